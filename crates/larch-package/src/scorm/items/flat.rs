//! The course of a manifest without organizations: one activity per launchable resource.

use larch_sequencing::definition::SequencingDefinition;
use roxmltree::Node;

use super::{Builder, activity};
use crate::scorm::metadata::Lom;
use crate::scorm::model::{ScormActivity, ScormType};
use crate::scorm::resources::Res;
use crate::scorm::xml::Ctx;
use crate::{Activity, Launch, Standard};

impl<'a, 'i> Builder<'_, 'a, 'i> {
    /// The course when the manifest has no organization: one activity per launchable
    /// resource, SCOs only when there are any (what the resources were meant to be).
    pub(crate) fn flat_from_resources(
        &mut self,
        ctx: &mut Ctx<'_>,
        root: Node<'a, 'i>,
        title: String,
    ) -> Activity {
        let id = self.identifier(ctx, root, "manifest");
        let resources = self.resources;
        let launchable: Vec<&Res> = resources
            .order
            .iter()
            .filter_map(|id| resources.by_id.get(id))
            .filter(|r| r.target.is_some())
            .collect();
        let any_sco = launchable
            .iter()
            .any(|r| r.model.scorm_type == ScormType::Sco);
        let children = launchable
            .into_iter()
            .filter(|r| !any_sco || r.model.scorm_type == ScormType::Sco)
            .filter_map(|r| {
                let target = r.target.as_ref()?;
                let mut details = self.default_details();
                details.resource_id = Some(r.model.id.clone());
                details.scorm_type = Some(r.model.scorm_type);
                let launch = Launch {
                    url: target.href.to_url(),
                    absolute: target.absolute,
                };
                let id = self.unique(r.model.id.clone());
                Some(activity(
                    id.clone(),
                    id,
                    Lom::default(),
                    true,
                    Some(launch),
                    details,
                    Vec::new(),
                ))
            })
            .collect();
        let details = self.default_details();
        activity(id, title, Lom::default(), true, None, details, children)
    }

    fn default_details(&self) -> ScormActivity {
        let sequencing = (self.standard == Standard::Scorm2004).then(SequencingDefinition::default);
        ScormActivity {
            sequencing,
            ..ScormActivity::default()
        }
    }
}
