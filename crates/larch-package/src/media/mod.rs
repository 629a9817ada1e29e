//! Plain media (a PDF, a video, an audio file) as a one-item course.

pub mod model;

use crate::{Activity, ActivityDetails, Course, CourseDetails, Launch, Standard};
use model::MediaActivity;

/// File extensions Larch serves as a media course, with their MIME types.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("ogv", "video/ogg"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("aac", "audio/aac"),
    ("wav", "audio/wav"),
    ("oga", "audio/ogg"),
    ("ogg", "audio/ogg"),
    ("flac", "audio/flac"),
];

/// The MIME type of a media file, by extension (ignoring case); `None` when not media.
pub fn content_type(path: &str) -> Option<&'static str> {
    let (_, ext) = path.rsplit_once('.')?;
    TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(ext))
        .map(|(_, mime)| *mime)
}

/// A one-item course playing the media file at `path`, titled after the file name.
pub fn course(path: &str) -> Course {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let title = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let title = title.replace(['_', '-'], " ").trim().to_owned();
    let title = if title.is_empty() {
        file_name.to_owned()
    } else {
        title
    };
    let details = MediaActivity {
        file: path.to_owned(),
        content_type: content_type(path)
            .unwrap_or("application/octet-stream")
            .to_owned(),
    };
    let item = Activity {
        id: "media".to_owned(),
        title: title.clone(),
        description: None,
        visible: true,
        launch: Some(Launch {
            url: path.to_owned(),
            absolute: false,
        }),
        details: ActivityDetails::Media(details),
        children: Vec::new(),
    };
    let root = Activity {
        id: "course".to_owned(),
        title: title.clone(),
        description: None,
        visible: true,
        launch: None,
        details: ActivityDetails::Media(MediaActivity::default()),
        children: vec![item],
    };
    Course {
        standard: Standard::Media,
        edition: None,
        identifier: None,
        title,
        description: None,
        root,
        details: CourseDetails::Media,
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_course_has_one_launchable_item() {
        let course = course("videos/Intro_to Safety.MP4");
        assert_eq!(course.launchable_count(), 1);
        assert_eq!(course.title, "Intro to Safety");
        let item = &course.root.children[0];
        assert_eq!(
            item.launch.as_ref().unwrap().url,
            "videos/Intro_to Safety.MP4"
        );
        assert!(
            matches!(&item.details, ActivityDetails::Media(m) if m.content_type == "video/mp4")
        );
        assert_eq!(content_type("notes.md"), None);
    }
}
