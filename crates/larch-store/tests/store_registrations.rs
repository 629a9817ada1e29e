//! Courses, registrations and launch tokens, against SQLite and PostgreSQL alike.

use larch_store::ids::{CourseId, LearnerId, RegistrationId};
use larch_store::testing::{self, TestDb, new_scope, sample_course};
use larch_store::{
    CourseFilter, Environment, LaunchOutcome, LearnerRef, NewLearner, NewRegistration, PageRequest,
    RegistrationFilter, Scope, StoreError,
};

fn learner(id: &str) -> NewLearner {
    NewLearner {
        id: LearnerId::parse(id).unwrap(),
        first_name: "Ada".into(),
        last_name: "L".into(),
        email: None,
    }
}

fn registration(id: &str, course: &str, learner: LearnerRef) -> NewRegistration {
    NewRegistration {
        id: RegistrationId::parse(id).unwrap(),
        course_id: CourseId::parse(course).unwrap(),
        learner,
        instance_policy: None,
    }
}

#[tokio::test]
async fn course_versions_count_up_and_the_latest_is_read() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        let first = store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        assert_eq!(
            (first.version, first.launchables.len()),
            (1, 2),
            "{}",
            store.kind()
        );
        let mut second = sample_course("golf");
        second.title = "Golf, revised".into();
        let second = store.courses().create_version(scope, second).await.unwrap();
        assert_eq!(second.version, 2);
        assert_eq!(second.created, first.created);
        let got = store
            .courses()
            .get(scope, &CourseId::parse("golf").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((got.title.as_str(), got.version), ("Golf, revised", 2));
        assert_eq!(got.warnings[0]["code"], "file_list_missing");
        store
            .courses()
            .create_version(scope, sample_course("chess"))
            .await
            .unwrap();
        let page = store
            .courses()
            .list(
                scope,
                CourseFilter::default(),
                PageRequest {
                    limit: 1,
                    after: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(page.items[0].id.as_str(), "chess");
        let rest = store
            .courses()
            .list(
                scope,
                CourseFilter::default(),
                PageRequest {
                    limit: 5,
                    after: page.next,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            rest.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["golf"]
        );
        let other = Scope {
            env: Environment::Live,
            ..scope
        };
        assert!(
            store
                .courses()
                .get(other, &CourseId::parse("golf").unwrap())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn registrations_need_their_course_and_learner() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        store
            .learners()
            .create(scope, learner("ada"))
            .await
            .unwrap();
        let regs = store.registrations();
        let err = regs
            .create(
                scope,
                registration("r0", "nope", LearnerRef::Existing(learner("ada").id)),
            )
            .await;
        assert!(
            matches!(err, Err(StoreError::Missing("course"))),
            "{}: {err:?}",
            store.kind()
        );
        let err = regs
            .create(
                scope,
                registration("r0", "golf", LearnerRef::Existing(learner("bob").id)),
            )
            .await;
        assert!(matches!(err, Err(StoreError::Missing("learner"))));

        let made = regs
            .create(
                scope,
                registration("r1", "golf", LearnerRef::Existing(learner("ada").id)),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                made.course_version,
                made.completion_status.as_str(),
                made.attempts
            ),
            (1, "unknown", 0)
        );
        let dup = regs
            .create(
                scope,
                registration("r1", "golf", LearnerRef::Existing(learner("ada").id)),
            )
            .await;
        assert!(matches!(dup, Err(StoreError::Conflict)));

        // An inline learner is created once, then reused as is.
        let inline = regs
            .create(
                scope,
                registration("r2", "golf", LearnerRef::CreateIfAbsent(learner("cy"))),
            )
            .await
            .unwrap();
        assert_eq!(inline.learner_id.as_str(), "cy");
        let mut renamed = learner("cy");
        renamed.first_name = "Other".into();
        regs.create(
            scope,
            registration("r3", "golf", LearnerRef::CreateIfAbsent(renamed)),
        )
        .await
        .unwrap();
        let cy = store
            .learners()
            .get(scope, &learner("cy").id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cy.first_name, "Ada");

        // A learner with registrations cannot be deleted from under them.
        assert!(matches!(
            store.learners().delete(scope, &learner("ada").id).await,
            Err(StoreError::InUse)
        ));
    }
}

#[tokio::test]
async fn registrations_filter_paginate_and_delete() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        store
            .courses()
            .create_version(scope, sample_course("chess"))
            .await
            .unwrap();
        let regs = store.registrations();
        for (id, course, who) in [("a", "golf", "x"), ("b", "chess", "x"), ("c", "golf", "y")] {
            regs.create(
                scope,
                registration(id, course, LearnerRef::CreateIfAbsent(learner(who))),
            )
            .await
            .unwrap();
        }
        let list = |filter: RegistrationFilter| regs.list(scope, filter, PageRequest::default());
        let ids = |page: larch_store::Page<larch_store::Registration>| {
            page.items
                .into_iter()
                .map(|r| r.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(list(RegistrationFilter::default()).await.unwrap()),
            ["c", "b", "a"]
        );
        let golf = RegistrationFilter {
            course_id: Some(CourseId::parse("golf").unwrap()),
            ..Default::default()
        };
        assert_eq!(
            ids(list(golf).await.unwrap()),
            ["c", "a"],
            "{}",
            store.kind()
        );
        let x = RegistrationFilter {
            learner_id: Some(learner("x").id),
            ..Default::default()
        };
        assert_eq!(ids(list(x).await.unwrap()), ["b", "a"]);
        let done = RegistrationFilter {
            completion_status: Some("completed".into()),
            ..Default::default()
        };
        assert!(ids(list(done).await.unwrap()).is_empty());
        let page = regs
            .list(
                scope,
                RegistrationFilter::default(),
                PageRequest {
                    limit: 2,
                    after: None,
                },
            )
            .await
            .unwrap();
        let rest = regs
            .list(
                scope,
                RegistrationFilter::default(),
                PageRequest {
                    limit: 2,
                    after: page.next,
                },
            )
            .await
            .unwrap();
        assert_eq!(ids(rest), ["a"]);

        let a = RegistrationId::parse("a").unwrap();
        assert!(regs.delete(scope, &a).await.unwrap());
        assert!(!regs.delete(scope, &a).await.unwrap());
        assert!(regs.get(scope, &a).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn launch_tokens_are_single_use_short_lived_and_scoped() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        let reg = store
            .registrations()
            .create(
                scope,
                registration("r", "golf", LearnerRef::CreateIfAbsent(learner("x"))),
            )
            .await
            .unwrap();
        let launches = store.launches();
        let other = Scope {
            env: Environment::Live,
            ..scope
        };
        assert!(
            launches.issue(other, &reg.id, 300).await.unwrap().is_none(),
            "no launch from another scope"
        );

        let issued = launches.issue(scope, &reg.id, 300).await.unwrap().unwrap();
        assert!(issued.token.starts_with("lt_") && issued.token.len() > 30);
        match launches.consume(&issued.token).await.unwrap() {
            LaunchOutcome::Valid(valid) => {
                assert_eq!(valid.scope, scope);
                assert_eq!(valid.registration.id, reg.id);
                assert_eq!(valid.course.launchables[0].title, "Introduction");
            }
            other => panic!("{}: first use gave {other:?}", store.kind()),
        }
        assert_eq!(
            launches.consume(&issued.token).await.unwrap(),
            LaunchOutcome::Used
        );
        assert_eq!(
            launches.consume("lt_nope").await.unwrap(),
            LaunchOutcome::Unknown
        );
        let stale = launches.issue(scope, &reg.id, 0).await.unwrap().unwrap();
        assert_eq!(
            launches.consume(&stale.token).await.unwrap(),
            LaunchOutcome::Expired
        );

        // Deleting the registration takes its tokens with it.
        let pending = launches.issue(scope, &reg.id, 300).await.unwrap().unwrap();
        store.registrations().delete(scope, &reg.id).await.unwrap();
        assert_eq!(
            launches.consume(&pending.token).await.unwrap(),
            LaunchOutcome::Unknown
        );
    }
}

#[tokio::test]
async fn a_launch_token_is_spent_once_under_concurrent_use() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        let new = registration("r", "golf", LearnerRef::CreateIfAbsent(learner("x")));
        let reg = store.registrations().create(scope, new).await.unwrap();
        let issued = store
            .launches()
            .issue(scope, &reg.id, 300)
            .await
            .unwrap()
            .unwrap();
        let attempts: Vec<_> = (0..8)
            .map(|_| {
                let (store, token) = (store.clone(), issued.token.clone());
                tokio::spawn(async move { store.launches().consume(&token).await.unwrap() })
            })
            .collect();
        let mut valid = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                LaunchOutcome::Valid(_) => valid += 1,
                LaunchOutcome::Used => {}
                other => panic!("{}: {other:?}", store.kind()),
            }
        }
        assert_eq!(valid, 1, "{}: the token opened {valid} times", store.kind());
    }
}

#[tokio::test]
async fn deleting_a_course_with_registrations_needs_confirmation() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "acme", Environment::Test).await;
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        store
            .courses()
            .create_version(scope, sample_course("golf"))
            .await
            .unwrap();
        store
            .courses()
            .create_version(scope, sample_course("chess"))
            .await
            .unwrap();
        let new = registration("r", "golf", LearnerRef::CreateIfAbsent(learner("x")));
        let reg = store.registrations().create(scope, new).await.unwrap();
        let token = store
            .launches()
            .issue(scope, &reg.id, 300)
            .await
            .unwrap()
            .unwrap()
            .token;
        let golf = CourseId::parse("golf").unwrap();
        let courses = store.courses();

        let other = Scope {
            env: Environment::Live,
            ..scope
        };
        assert_eq!(
            courses.delete(other, &golf, true).await.unwrap(),
            larch_store::CourseDeletion::NotFound
        );
        assert_eq!(
            courses.delete(scope, &golf, false).await.unwrap(),
            larch_store::CourseDeletion::HasRegistrations(1)
        );
        assert!(
            courses.get(scope, &golf).await.unwrap().is_some(),
            "{}: nothing deleted",
            store.kind()
        );
        let done = courses.delete(scope, &golf, true).await.unwrap();
        assert_eq!(
            done,
            larch_store::CourseDeletion::Deleted { registrations: 1 }
        );
        assert!(courses.get(scope, &golf).await.unwrap().is_none());
        assert!(
            store
                .registrations()
                .get(scope, &reg.id)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.launches().consume(&token).await.unwrap(),
            LaunchOutcome::Unknown
        );
        assert_eq!(
            courses.delete(scope, &golf, true).await.unwrap(),
            larch_store::CourseDeletion::NotFound
        );
        // The id is free again, from version 1; other courses are untouched.
        assert_eq!(
            courses
                .create_version(scope, sample_course("golf"))
                .await
                .unwrap()
                .version,
            1
        );
        assert!(
            courses
                .get(scope, &CourseId::parse("chess").unwrap())
                .await
                .unwrap()
                .is_some()
        );
        let chess = CourseId::parse("chess").unwrap();
        assert_eq!(
            courses.delete(scope, &chess, false).await.unwrap(),
            larch_store::CourseDeletion::Deleted { registrations: 0 }
        );
    }
}
