use super::*;

fn sample() -> ActivityTree {
    let mut root = ActivityDefinition::new("root", "Root");
    let mut a = ActivityDefinition::new("a", "A");
    a.children = vec![
        ActivityDefinition::new("a1", "A1"),
        ActivityDefinition::new("a2", "A2"),
    ];
    root.children = vec![a, ActivityDefinition::new("b", "B")];
    ActivityTree::new(&TreeDefinition {
        root,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
    })
}

#[test]
fn arena_is_preorder_with_subtree_ranges() {
    let tree = sample();
    let ids: Vec<_> = tree.all().map(|ix| tree.get(ix).id.clone()).collect();
    assert_eq!(ids, ["root", "a", "a1", "a2", "b"]);
    let a = tree.find("a").unwrap();
    assert!(tree.is_in_subtree(a, tree.find("a2").unwrap()));
    assert!(!tree.is_in_subtree(a, tree.find("b").unwrap()));
    assert_eq!(
        tree.common_ancestor(tree.find("a1").unwrap(), tree.find("b").unwrap()),
        ActivityIx::ROOT
    );
    assert_eq!(
        tree.common_ancestor(tree.find("a1").unwrap(), tree.find("a2").unwrap()),
        a
    );
}
