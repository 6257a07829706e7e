//! Charset sniffing and decoding: every way a page can declare (or lie about)
//! its encoding, and the guarantee that no input panics.

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};
use fraudstat::decode::{DecodeConfig, Decoder, UnknownEncoding, decode, sniff};
use fraudstat::model::{CharsetSource, ContentKind};
use proptest::prelude::*;

const SIMPLIFIED: &str = "截至2024年底，全国公安机关共破获电信网络诈骗案件43.7万起，抓获犯罪嫌疑人6.9万名，\
    紧急止付涉案资金2770亿元，电信网络诈骗发案数连续4个月实现同比下降。公安部新闻发言人表示，\
    将持续保持严打高压态势，最大限度预防案件发生，切实保护人民群众的财产安全。";

const TRADITIONAL: &str = "截至2024年底，已累計抓獲中國籍涉詐犯罪嫌疑人5.3萬余名，徹底摧毀臭名昭著的緬北果敢犯罪集團，\
    臨近我邊境的緬北地區規模化電詐園區被全部鏟除，專項工作取得階段性重大戰果，帶動全國電信網絡詐騙立案數和損失大幅下降。";

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(
        !unmappable,
        "test text not representable in {}",
        encoding.name()
    );
    bytes.into_owned()
}

fn html(meta: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head>{meta}<title>公安</title></head>\n<body><div class=\"article-content\"><p>{body}</p></div></body></html>"
    )
}

fn assert_decoded(page: &fraudstat::model::Page, charset: &str, source: CharsetSource, text: &str) {
    assert_eq!(page.charset, charset, "charset");
    assert_eq!(page.charset_source, source, "charset source");
    assert_eq!(page.text, text, "text");
}

#[test]
fn header_label_is_used() {
    let text = html("", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), Some("text/html; charset=GBK"));
    assert_decoded(&page, "gbk", CharsetSource::Http, &text);
    assert_eq!(page.kind, ContentKind::Html);
}

#[test]
fn quoted_header_label_is_used() {
    let text = html("", TRADITIONAL);
    let page = decode(&encode(BIG5, &text), Some("text/html;charset=\"big5\""));
    assert_decoded(&page, "big5", CharsetSource::Http, &text);
}

#[test]
fn bom_beats_header() {
    let text = html("<meta charset=\"gbk\">", SIMPLIFIED);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let page = decode(&bytes, Some("text/html; charset=gbk"));
    assert_decoded(&page, "utf-8", CharsetSource::Bom, &text);
}

#[test]
fn header_beats_meta() {
    let text = html("<meta charset=\"big5\">", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), Some("text/html; charset=gb2312"));
    assert_decoded(&page, "gbk", CharsetSource::Http, &text);
}

#[test]
fn utf16_boms_are_honoured() {
    let text = html("", TRADITIONAL);
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    assert_decoded(&decode(&le, None), "utf-16le", CharsetSource::Bom, &text);
    assert_decoded(
        &decode(&be, Some("text/html; charset=gbk")),
        "utf-16be",
        CharsetSource::Bom,
        &text,
    );
}

#[test]
fn meta_charset_is_used() {
    let text = html("<meta charset=\"gb2312\">", SIMPLIFIED);
    assert_decoded(
        &decode(&encode(GBK, &text), None),
        "gbk",
        CharsetSource::Meta,
        &text,
    );
}

#[test]
fn http_equiv_is_used() {
    let meta = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\" />";
    let text = html(meta, TRADITIONAL);
    assert_decoded(
        &decode(&encode(BIG5, &text), None),
        "big5",
        CharsetSource::Meta,
        &text,
    );
}

#[test]
fn content_without_http_equiv_is_ignored() {
    let meta = "<meta name=\"description\" content=\"text/html; charset=big5\">";
    let text = html(meta, SIMPLIFIED);
    let page = decode(&encode(GBK, &text), None);
    assert_decoded(&page, "gbk", CharsetSource::Detected, &text);
}

#[test]
fn meta_after_a_long_head_is_found() {
    let filler = format!("<script>{}</script>", "var a = 1;\n".repeat(200));
    let text = html(&format!("{filler}<meta charset=\"gbk\">"), SIMPLIFIED);
    assert!(text.find("<meta").is_some_and(|i| i > 1024));
    assert_decoded(
        &decode(&encode(GBK, &text), None),
        "gbk",
        CharsetSource::Meta,
        &text,
    );
    let short = Decoder::new(DecodeConfig {
        prescan_bytes: 1024,
        ..DecodeConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_decoded(
        &short.decode(&encode(GBK, &text), None),
        "gbk",
        CharsetSource::Detected,
        &text,
    );
}

#[test]
fn unlabelled_pages_are_detected() {
    let gbk = html("", SIMPLIFIED);
    let big5 = html("", TRADITIONAL);
    assert_decoded(
        &decode(&encode(GBK, &gbk), None),
        "gbk",
        CharsetSource::Detected,
        &gbk,
    );
    assert_decoded(
        &decode(&encode(BIG5, &big5), None),
        "big5",
        CharsetSource::Detected,
        &big5,
    );
    assert_decoded(
        &decode(big5.as_bytes(), None),
        "utf-8",
        CharsetSource::Detected,
        &big5,
    );
}

#[test]
fn unknown_header_label_falls_through_to_meta() {
    let text = html("<meta charset=\"gbk\">", SIMPLIFIED);
    let page = decode(
        &encode(GBK, &text),
        Some("text/html; charset=x-no-such-thing"),
    );
    assert_decoded(&page, "gbk", CharsetSource::Meta, &text);
    let page = decode(
        &encode(GBK, &html("", SIMPLIFIED)),
        Some("text/html; charset=x-euc-tw"),
    );
    assert_eq!(page.charset_source, CharsetSource::Detected);
    assert_eq!(page.charset, "gbk");
}

#[test]
fn lying_header_is_overruled() {
    let text = html("", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), Some("text/html; charset=utf-8"));
    assert_decoded(&page, "gbk", CharsetSource::Detected, &text);
}

#[test]
fn latin1_header_over_gbk_is_overruled() {
    // Apache's old default: decodes without a single error, into mojibake.
    let text = html("", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), Some("text/html; charset=iso-8859-1"));
    assert_decoded(&page, "gbk", CharsetSource::Detected, &text);
}

#[test]
fn lying_meta_utf8_over_gbk_is_overruled() {
    let text = html("<meta charset=\"utf-8\">", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), None);
    assert_decoded(&page, "gbk", CharsetSource::Detected, &text);
}

#[test]
fn lying_meta_gb2312_over_utf8_is_overruled() {
    let text = html("<meta charset=\"gb2312\">", SIMPLIFIED);
    let page = decode(text.as_bytes(), None);
    assert_decoded(&page, "utf-8", CharsetSource::Detected, &text);
}

#[test]
fn lying_meta_gb2312_over_big5_is_overruled() {
    // Big5 bytes are all valid GBK, so only the mojibake check catches this.
    let text = html("<meta charset=\"gb2312\">", TRADITIONAL);
    let page = decode(&encode(BIG5, &text), None);
    assert_decoded(&page, "big5", CharsetSource::Detected, &text);
}

#[test]
fn lying_meta_big5_over_gbk_is_overruled() {
    let text = html("<meta charset=\"big5\">", SIMPLIFIED);
    let page = decode(&encode(GBK, &text), None);
    assert_decoded(&page, "gbk", CharsetSource::Detected, &text);
}

#[test]
fn gbk_only_characters_survive_a_gb2312_label() {
    // 镕 喆 堃 玥 are outside GB2312 but in GBK; sites labelled gb2312 use them.
    let body = format!("{SIMPLIFIED}朱镕基、陶喆、王堃、李玥出席。");
    let text = html(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        &body,
    );
    let bytes = encode(GBK, &text);
    for c in ["镕", "喆", "堃", "玥"] {
        let pair = encode(GBK, c);
        assert!(
            pair.iter().any(|&b| b < 0xA1),
            "{c} should be outside GB2312"
        );
    }
    assert_decoded(&decode(&bytes, None), "gbk", CharsetSource::Meta, &text);
}

#[test]
fn gb18030_four_byte_characters_decode() {
    // U+2022 and U+20BB7 (𠮷) need gb18030's four-byte forms.
    let body = format!("{SIMPLIFIED}•𠮷野家");
    let text = html("<meta charset=\"gb18030\">", &body);
    let bytes = encode(GB18030, &text);
    assert_decoded(&decode(&bytes, None), "gb18030", CharsetSource::Meta, &text);
}

#[test]
fn unlabelled_gb18030_four_byte_characters_decode() {
    // Detection names the family GBK; encoding_rs decodes GBK with the
    // gb18030 decoder, so the four-byte forms still come out right.
    let body = format!("{SIMPLIFIED}•𠮷野家€");
    let text = html("", &body);
    let page = decode(&encode(GB18030, &text), None);
    assert_eq!(page.text, text);
    assert!(
        page.charset == "gbk" || page.charset == "gb18030",
        "{}",
        page.charset
    );
    assert_eq!(page.charset_source, CharsetSource::Detected);
}

#[test]
fn big5_hkscs_label_decodes_hkscs_characters() {
    // 0x8840 is in the HKSCS extension that encoding_rs's Big5 decoder includes.
    let mut bytes = encode(BIG5, &html("<meta charset=\"big5-hkscs\">", TRADITIONAL));
    let tail = bytes.split_off(bytes.len() - "</p></div></body></html>".len());
    bytes.extend_from_slice(&[0x88, 0x40]);
    bytes.extend_from_slice(&tail);
    let page = decode(&bytes, None);
    assert_eq!(page.charset, "big5");
    assert_eq!(page.charset_source, CharsetSource::Meta);
    assert!(
        !page.text.contains('\u{FFFD}'),
        "HKSCS pair was not decoded"
    );
}

#[test]
fn stray_bad_bytes_do_not_flip_a_correct_label() {
    // CMS-truncated titles leave a broken sequence or two in otherwise fine pages.
    let text = html("<meta charset=\"utf-8\">", SIMPLIFIED);
    let mut bytes = text.as_bytes().to_vec();
    let at = bytes.len() / 2;
    let at = (at..bytes.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(at);
    bytes.splice(at..at, [0xE4, 0xB8]);
    let page = decode(&bytes, None);
    assert_eq!(page.charset, "utf-8");
    assert_eq!(page.charset_source, CharsetSource::Meta);
    assert_eq!(page.text.matches('\u{FFFD}').count(), 1);

    let text = html("<meta charset=\"gbk\">", SIMPLIFIED);
    let mut bytes = encode(GBK, &text);
    let body = bytes.len() / 2;
    let at = (body..bytes.len())
        .find(|&i| bytes.get(i) == Some(&b'<'))
        .unwrap_or(body);
    bytes.insert(at, 0xFF);
    let page = decode(&bytes, None);
    assert_eq!(page.charset, "gbk");
    assert_eq!(page.charset_source, CharsetSource::Meta);
}

#[test]
fn config_loads_from_toml_with_defaults() {
    let config: DecodeConfig = toml::from_str("prescan_bytes = 1024\nmojibake_margin = 0.5")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.prescan_bytes, 1024);
    assert_eq!(config.mojibake_margin, 0.5);
    assert_eq!(
        config.kind_sniff_chars,
        DecodeConfig::default().kind_sniff_chars
    );
    assert!(
        toml::from_str::<DecodeConfig>("prescan_byte = 1").is_err(),
        "typos must be rejected"
    );
    let bad = DecodeConfig {
        fallback_encodings: vec!["gbk".into(), "x-klingon".into()],
        ..DecodeConfig::default()
    };
    assert_eq!(
        Decoder::new(bad).err(),
        Some(UnknownEncoding("x-klingon".into()))
    );
    assert!(Decoder::new(DecodeConfig::default()).is_ok());
}

#[test]
fn short_unlabelled_gbk_falls_back_from_an_implausible_guess() {
    // chardetng alone reads many two- to eight-character GBK snippets as
    // Big5 or EUC-JP.
    let mut wrong_without_fallback = 0;
    for title in [
        "破获案件",
        "抓获犯罪嫌疑人",
        "紧急止付",
        "电信网络诈骗",
        "公安机关通报",
    ] {
        let bytes = encode(GBK, title);
        let page = decode(&bytes, None);
        assert_eq!(page.text, title, "{title} read as {}", page.charset);
        let no_fallback = Decoder::new(DecodeConfig {
            fallback_encodings: Vec::new(),
            ..DecodeConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        if no_fallback.decode(&bytes, None).text != title {
            wrong_without_fallback += 1;
        }
    }
    // Keeps the test honest: the snippets are ones detection alone gets wrong.
    assert!(wrong_without_fallback > 0);
}

#[test]
fn sniff_reports_the_declared_label_without_checking_it() {
    let text = html("<meta charset=\"utf-8\">", SIMPLIFIED);
    assert_eq!(
        sniff(&encode(GBK, &text), None),
        (UTF_8, CharsetSource::Meta)
    );
    assert_eq!(
        sniff(&encode(GBK, &text), Some("text/html; charset=gbk")),
        (GBK, CharsetSource::Http)
    );
    assert_eq!(
        sniff(&encode(BIG5, TRADITIONAL), None),
        (BIG5, CharsetSource::Detected)
    );
    assert_eq!(
        sniff(b"\xEF\xBB\xBFabc", Some("text/html; charset=gbk")),
        (UTF_8, CharsetSource::Bom)
    );
}

#[test]
fn utf16_header_over_ascii_markup_is_overruled() {
    let page = decode(
        b"<html><body><p>hello</p></body></html>",
        Some("text/html; charset=utf-16"),
    );
    assert_eq!(page.text, "<html><body><p>hello</p></body></html>");
    assert_eq!(page.charset, "utf-8");
    assert_eq!(page.charset_source, CharsetSource::Detected);
}

#[test]
fn empty_body_decodes_to_empty_text() {
    let page = decode(b"", None);
    assert_eq!(page.text, "");
    assert_eq!(page.kind, ContentKind::Text);
    assert_eq!(page.charset, "utf-8");
    let page = decode(b"", Some("text/html"));
    assert_eq!(page.kind, ContentKind::Html);
}

#[test]
fn binary_and_truncated_input_does_not_panic() {
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    binary.extend_from_slice(b"\0\0\0<meta charset=");
    let page = decode(&binary, Some("application/octet-stream"));
    assert_eq!(page.kind, ContentKind::Text);
    let mut truncated = encode(GBK, SIMPLIFIED);
    truncated.push(0xD6); // first byte of 中
    let page = decode(&truncated, Some("text/plain; charset=gbk"));
    assert!(page.text.starts_with("截至2024年底"));
    let mut truncated = SIMPLIFIED.as_bytes().to_vec();
    truncated.extend_from_slice(&[0xE4, 0xB8]);
    let page = decode(&truncated, None);
    assert_eq!(page.charset, "utf-8");
    assert!(page.text.starts_with(SIMPLIFIED));
}

#[test]
fn content_kind_follows_header_then_markup() {
    assert_eq!(
        decode(SIMPLIFIED.as_bytes(), Some("text/html")).kind,
        ContentKind::Html
    );
    assert_eq!(
        decode(SIMPLIFIED.as_bytes(), Some("application/xhtml+xml")).kind,
        ContentKind::Html
    );
    assert_eq!(
        decode(SIMPLIFIED.as_bytes(), Some("text/plain")).kind,
        ContentKind::Text
    );
    assert_eq!(decode(SIMPLIFIED.as_bytes(), None).kind, ContentKind::Text);
    let markup = html("", SIMPLIFIED);
    assert_eq!(
        decode(markup.as_bytes(), Some("text/plain")).kind,
        ContentKind::Html
    );
    assert_eq!(
        decode(b"\n  <div class=x>hi</div>", None).kind,
        ContentKind::Html
    );
    assert_eq!(decode(b"<P>hi", None).kind, ContentKind::Html);
    assert_eq!(
        decode("a<pi>b 与 x<y 的比较".as_bytes(), None).kind,
        ContentKind::Text
    );
}

/// Hanzi from the corpus pages that `encoding` represents in its main
/// two-byte area, so that random strings look like text in that encoding.
fn pool(encoding: &'static Encoding, lo: u8, hi: u8) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus/pages");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for c in text
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        {
            let mut buf = [0; 4];
            let (bytes, _, unmappable) = encoding.encode(c.encode_utf8(&mut buf));
            let in_area =
                encoding == UTF_8 || matches!(*bytes, [lead, _] if (lo..=hi).contains(&lead));
            if !unmappable && in_area && !chars.contains(&c) {
                chars.push(c);
            }
        }
    }
    assert!(chars.len() > 500, "corpus pool too small: {}", chars.len());
    chars
}

/// Every hanzi of an encoding's two-byte table in the given rows, frequent
/// or not: GB2312 levels 1 and 2 as GBK, all of Big5.
fn table(
    encoding: &'static Encoding,
    leads: std::ops::RangeInclusive<u8>,
    trails: &[std::ops::RangeInclusive<u8>],
) -> Vec<char> {
    let mut chars = Vec::new();
    for lead in leads {
        for trail in trails.iter().flat_map(|t| t.clone()) {
            let pair = [lead, trail];
            let (text, _, errors) = encoding.decode(&pair);
            if let Some(c) = text
                .chars()
                .next()
                .filter(|c| !errors && ('\u{4E00}'..='\u{9FFF}').contains(c))
            {
                chars.push(c);
            }
        }
    }
    chars
}

fn cjk_text(pool: Vec<char>) -> impl Strategy<Value = String> {
    let n = pool.len();
    proptest::collection::vec((0..n, 0..12u8), 40..300).prop_map(move |picks| {
        let mut s = String::new();
        for (i, gap) in picks {
            s.push(pool.get(i).copied().unwrap_or('中'));
            match gap {
                0 => s.push('，'),
                1 => s.push('。'),
                2 => s.push_str("12"),
                _ => {}
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn unlabelled_gbk_round_trips(text in cjk_text(pool(GBK, 0xB0, 0xF7))) {
        let page = decode(&encode(GBK, &text), None);
        prop_assert_eq!(&page.charset, "gbk");
        prop_assert_eq!(page.text, text);
    }

    #[test]
    fn unlabelled_big5_round_trips(text in cjk_text(pool(BIG5, 0xA4, 0xF9))) {
        let page = decode(&encode(BIG5, &text), None);
        prop_assert_eq!(&page.charset, "big5");
        prop_assert_eq!(page.text, text);
    }

    #[test]
    fn unlabelled_uniform_gb2312_round_trips(text in cjk_text(table(GBK, 0xB0..=0xF7, &[0xA1..=0xFE]))) {
        let page = decode(&encode(GBK, &text), None);
        prop_assert_eq!(&page.charset, "gbk");
        prop_assert_eq!(page.text, text);
    }

    #[test]
    fn unlabelled_uniform_big5_round_trips(
        text in cjk_text(table(BIG5, 0xA4..=0xF9, &[0x40..=0x7E, 0xA1..=0xFE])),
    ) {
        let page = decode(&encode(BIG5, &text), None);
        prop_assert_eq!(&page.charset, "big5");
        prop_assert_eq!(page.text, text);
    }

    #[test]
    fn unlabelled_utf8_round_trips(text in cjk_text(pool(UTF_8, 0xE4, 0xE9))) {
        let page = decode(text.as_bytes(), None);
        prop_assert_eq!(&page.charset, "utf-8");
        prop_assert_eq!(page.text, text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        content_type in proptest::option::of("[ -~]{0,40}"),
    ) {
        let page = decode(&bytes, content_type.as_deref());
        prop_assert!(!page.charset.is_empty());
    }

    #[test]
    fn markup_fragments_never_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<meta ".to_string()), Just("charset=".to_string()), Just("\"".to_string()),
                Just("'".to_string()), Just("<!--".to_string()), Just("-->".to_string()),
                Just("http-equiv=content-type ".to_string()), Just("content=".to_string()),
                Just(">".to_string()), Just("/".to_string()), Just("<".to_string()),
                Just("gbk".to_string()), Just("中文".to_string()), "[a-z =;]{0,5}",
            ],
            0..40,
        ),
    ) {
        let page = decode(parts.concat().as_bytes(), None);
        prop_assert!(!page.charset.is_empty());
    }
}

#[test]
fn corpus_text_pages_decode_as_utf8_text() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus/pages");
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let mut count = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let page = decode(&bytes, None);
        let name = path.display();
        assert_eq!(page.charset, "utf-8", "{name}");
        assert_eq!(page.kind, ContentKind::Text, "{name}");
        assert_eq!(page.text.as_bytes(), &bytes[..], "{name}");
        count += 1;
    }
    assert!(count >= 45, "only {count} corpus pages");
}

/// Bodies cut by the fetcher's size cap (mid-character, mid-tag) still
/// decode to the charset their page was written in.
#[test]
fn truncated_html_fixtures_keep_their_charset() {
    #[derive(serde::Deserialize)]
    struct Fixture {
        file: String,
        content_type: Option<String>,
        charset: String,
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/html");
    let manifest = std::fs::read_to_string(format!("{dir}/manifest.json"))
        .unwrap_or_else(|e| panic!("{dir}/manifest.json: {e}"));
    let fixtures: Vec<Fixture> =
        serde_json::from_str(&manifest).unwrap_or_else(|e| panic!("manifest: {e}"));
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let bytes = std::fs::read(format!("{dir}/{}", fixture.file))
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.file));
        // Just after the first byte of a multibyte character.
        let mid_char = (bytes.len() / 2..bytes.len())
            .find(|&i| bytes.get(i).is_some_and(|&b| b >= 0x80))
            .map_or(bytes.len(), |i| i + 1);
        for cut in [
            bytes.len() / 2,
            mid_char,
            bytes.len() * 3 / 4,
            bytes.len() - 1,
        ] {
            let prefix = bytes.get(..cut).unwrap_or_default();
            let page = decode(prefix, fixture.content_type.as_deref());
            if page.charset != fixture.charset {
                failures.push(format!("{} cut at {cut}: {}", fixture.file, page.charset));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
