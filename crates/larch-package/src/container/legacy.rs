//! File names from zips that do not say how they are encoded.
//!
//! APPNOTE 4.4.4 and Appendix D: without general-purpose bit 11 (and without the Info-ZIP
//! Unicode Path extra field, which the `zip` crate applies), a name is in "IBM Code Page 437".
//! In practice Windows' built-in zip writes names in the machine's OEM code page: CP850 in
//! Western Europe, CP852 in Central Europe; some tools write ANSI (Windows-1250/1252) or
//! UTF-8 without the flag. Decoding Czech names as CP437 gives `Ş`-salad, so the code page is
//! guessed per archive: the candidate whose decoding yields the most Latin letters (and the
//! fewest box-drawing and currency signs) wins, CP437 on ties as the spec says.

/// A legacy code page Larch can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodePage {
    /// IBM PC (the zip default).
    Cp437,
    /// DOS Western Europe.
    Cp850,
    /// DOS Central Europe.
    Cp852,
    /// Windows Central Europe (ANSI).
    Windows1250,
    /// Windows Western Europe (ANSI).
    Windows1252,
}

impl CodePage {
    const ALL: [Self; 5] = [
        Self::Cp437,
        Self::Cp850,
        Self::Cp852,
        Self::Windows1250,
        Self::Windows1252,
    ];

    /// A name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cp437 => "CP437 (DOS, United States)",
            Self::Cp850 => "CP850 (DOS, Western Europe)",
            Self::Cp852 => "CP852 (DOS, Central Europe)",
            Self::Windows1250 => "Windows-1250 (Central Europe)",
            Self::Windows1252 => "Windows-1252 (Western Europe)",
        }
    }

    /// Decodes `raw` in this code page (never fails: every byte maps to something).
    pub fn decode(self, raw: &[u8]) -> String {
        let table = match self {
            Self::Cp437 => CP437,
            Self::Cp850 => CP850,
            Self::Cp852 => CP852,
            Self::Windows1250 => return windows(encoding_rs::WINDOWS_1250, raw),
            Self::Windows1252 => return windows(encoding_rs::WINDOWS_1252, raw),
        };
        raw.iter()
            .map(|&b| match b {
                0..=0x7F => char::from(b),
                _ => table
                    .chars()
                    .nth(usize::from(b - 0x80))
                    .unwrap_or('\u{FFFD}'),
            })
            .collect()
    }
}

fn windows(encoding: &'static encoding_rs::Encoding, raw: &[u8]) -> String {
    encoding.decode_without_bom_handling(raw).0.into_owned()
}

/// Picks the code page that makes the most sense of all the archive's non-UTF-8 names.
pub(crate) fn guess(names: &[&[u8]]) -> CodePage {
    let mut best = (CodePage::Cp437, i64::MIN);
    for page in CodePage::ALL {
        let score: i64 = names.iter().map(|n| plausibility(&page.decode(n))).sum();
        if score > best.1 {
            best = (page, score);
        }
    }
    best.0
}

/// +2 for each accented Latin letter (what European file names contain), −1 for any other
/// non-ASCII character (line drawing, currency, math, controls: what wrong guesses produce),
/// −3 more for a capital right after a small letter (`ouÚk` is a wrong guess of `ouček`).
fn plausibility(name: &str) -> i64 {
    let mut score = 0;
    let mut previous = ' ';
    for c in name.chars() {
        if !c.is_ascii() {
            let latin = ('\u{C0}'..='\u{17F}').contains(&c) && c != '×' && c != '÷';
            score += if latin { 2 } else { -1 };
            if c.is_uppercase() && previous.is_lowercase() {
                score -= 3;
            }
        }
        previous = c;
    }
    score
}

/// Bytes 0x80–0xFF of CP437.
const CP437: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";
/// Bytes 0x80–0xFF of CP850.
const CP850: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";
/// Bytes 0x80–0xFF of CP852.
const CP852: &str = "ÇüéâäůćçłëŐőîŹÄĆÉĹĺôöĽľŚśÖÜŤťŁ×čáíóúĄąŽžĘę¬źČş«»░▒▓│┤ÁÂĚŞ╣║╗╝Żż┐└┴┬├─┼Ăă╚╔╩╦╠═╬¤đĐĎËďŇÍÎě┘┌█▄ŢŮ▀ÓßÔŃńňŠšŔÚŕŰýÝţ´\u{ad}˝˛ˇ˘§÷¸°¨˙űŘř■\u{a0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn czech_names_from_windows_zip_are_cp852() {
        // From zip-quirks/moodle_test_win8_cz.zip.
        let names: [&[u8]; 2] = [
            b"test\xa1\x9fek.txt",
            b"\xa6lu\x9cou\x9fk\xec/Kon\xa1\x9fek.txt",
        ];
        let page = guess(&names);
        assert_eq!(page, CodePage::Cp852);
        assert_eq!(page.decode(names[1]), "Žluťoučký/Koníček.txt");
    }

    #[test]
    fn german_umlaut_decodes_to_the_same_name_in_the_dos_pages() {
        let names: [&[u8]; 1] = [b"Pr\x81fung.txt"];
        assert_eq!(guess(&names).decode(names[0]), "Prüfung.txt");
    }

    #[test]
    fn windows_ansi_names_are_recognised() {
        let names: [&[u8]; 1] = [b"\x8elutou\xe8k\xfd.txt"];
        assert_eq!(guess(&names).decode(names[0]), "Žlutoučký.txt");
    }
}
