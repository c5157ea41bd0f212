//! An article's language, told from the script its text is written in.
//!
//! The front matter has no language key: a portal writes in the site's language, and the odd
//! Chinese, Japanese or Korean article is plain to see from its characters. Getting it right
//! matters beyond `<html lang>` (which glyphs a browser picks for Han characters): search
//! splits Chinese and Japanese text into words only for pages marked as such, since neither
//! puts spaces between words. Latin-script languages cannot be told apart this way, and an
//! article in one keeps the site's language.

/// The language of a text (given in parts, e.g. title and body): `zh`, `ja` or `ko` when most
/// of its letters are of those scripts, else `site_language`. A detected language that `site_language` already names (`zh` for a
/// `zh-CN` site) keeps the site's spelling.
pub fn detect(parts: &[&str], site_language: &str) -> String {
    let mut counts = ScriptCounts::default();
    for c in parts.iter().flat_map(|part| part.chars()).filter(|c| c.is_alphabetic()) {
        counts.add(c);
    }
    let detected = counts.language();
    match detected {
        Some(code) if primary_subtag(site_language) != code => code.to_string(),
        _ => site_language.to_string(),
    }
}

fn primary_subtag(language: &str) -> String {
    language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

#[derive(Default)]
struct ScriptCounts {
    letters: usize,
    han: usize,
    kana: usize,
    hangul: usize,
}

impl ScriptCounts {
    fn add(&mut self, c: char) {
        self.letters += 1;
        match u32::from(c) {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => self.kana += 1,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => self.hangul += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => self.han += 1,
            _ => {}
        }
    }

    fn language(&self) -> Option<&'static str> {
        let east_asian = self.han + self.kana + self.hangul;
        // Each of these characters is a syllable or a word, against a letter of Latin script:
        // a third of the letters already makes the text mostly East Asian.
        if east_asian * 3 < self.letters || east_asian == 0 {
            return None;
        }
        if self.hangul * 2 > east_asian {
            Some("ko")
        } else if self.kana * 4 >= east_asian {
            // Japanese writes its grammar in kana (a third or more of its characters); Chinese
            // text has none beyond a quoted katakana name.
            Some("ja")
        } else {
            Some("zh")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn tells_east_asian_languages_by_script() {
        assert_eq!(detect(&["辽宁省人民政府与日本欧力士集团在沈阳签署战略合作协议。"], "en"), "zh");
        assert_eq!(detect(&["オリックス株式会社は中国東北部の遼寧省政府と協定を締結した。"], "en"), "ja");
        assert_eq!(detect(&["오릭스는 랴오닝성 정부와 전략적 협력 협정을 체결했다."], "en"), "ko");
    }

    #[test]
    fn a_quoted_name_does_not_change_the_language() {
        let text = "Liaoning (辽宁) signed a strategic cooperation agreement with Orix in Shenyang.";
        assert_eq!(detect(&[text], "en"), "en");
        assert_eq!(detect(&["ORIX与辽宁省签署协议，オリックス方面出席。双方将深化金融合作。"], "en"), "zh");
    }

    #[test]
    fn keeps_the_site_spelling_of_its_own_language() {
        assert_eq!(detect(&["辽宁省人民政府与欧力士签署协议"], "zh-CN"), "zh-CN");
        assert_eq!(detect(&["Ein Artikel auf Deutsch"], "de"), "de");
    }
}
