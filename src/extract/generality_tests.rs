//! Sentences written for this test, not taken from the corpus, in the ways
//! mainland, Hong Kong, Macau, Taiwan and Singapore releases phrase their
//! figures: a check that the lexicon generalises beyond the 45 pages.

use std::path::Path;

use super::Extractor;
use crate::model::{Article, Script, Statistic};

fn extractor() -> &'static Extractor {
    static EX: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon loads")
    })
}

fn extract(text: &str, script: Script) -> Vec<Statistic> {
    extractor().extract(&Article {
        title: None,
        published: Some("2024-06-30".into()),
        source: None,
        author: None,
        script,
        text: text.into(),
    })
}

/// `(value, unit, metric, currency, approx, direction)` of each statistic.
type Row<'a> = (
    f64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn check(text: &str, script: Script, want: &[Row<'_>]) {
    let got = extract(text, script);
    let rows: Vec<String> = got
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {:?} {:?} {:?}",
                s.value, s.unit, s.metric, s.currency, s.approx, s.direction
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "in {text:?} got {rows:#?}");
    for (s, w) in got.iter().zip(want) {
        let ok = (s.value - w.0).abs() <= 1e-9 * w.0.abs().max(1.0)
            && s.unit == w.1
            && s.metric == w.2
            && s.currency.as_deref() == w.3
            && s.approx.map(crate::model::Approx::as_str) == w.4
            && s.direction.map(crate::model::Direction::as_str) == w.5;
        assert!(ok, "in {text:?}: want {w:?}, got {rows:#?}");
    }
}

#[test]
fn hong_kong_arrest_with_amount() {
    check(
        "警方落案調查後,截獲騙款逾300萬元,並拘捕5名涉案男子。",
        Script::Hant,
        &[
            (
                3_000_000.0,
                "元",
                "funds_stopped",
                Some("HKD"),
                Some("over"),
                None,
            ),
            (5.0, "名", "suspects_arrested", None, None, None),
        ],
    );
}

#[test]
fn hong_kong_quarterly_figures() {
    check(
        "今年首季,香港警方共錄得9 845宗詐騙案,按年上升12.3%,損失金額達14.2億港元;同期警方拘捕1 126人。",
        Script::Hant,
        &[
            (9845.0, "宗", "cases_reported", None, None, None),
            (12.3, "%", "cases_reported", None, None, Some("up")),
            (1_420_000_000.0, "元", "other", Some("HKD"), None, None),
            (1126.0, "人", "suspects_arrested", None, None, None),
        ],
    );
}

#[test]
fn macau_cases_and_amount() {
    check(
        "本澳司警局今年1至6月共開立電話詐騙案件153宗,較去年同期減少21宗,涉及金額約2,300萬澳門元。",
        Script::Hant,
        &[
            (153.0, "宗", "cases_reported", None, None, None),
            (21.0, "宗", "cases_reported", None, None, Some("down")),
            (
                23_000_000.0,
                "元",
                "other",
                Some("MOP"),
                Some("about"),
                None,
            ),
        ],
    );
}

#[test]
fn macau_ring_fenced_funds() {
    check(
        "司警局透過緊急止付機制,今年以來成功圈存涉案款項逾1,800萬澳門元。",
        Script::Hant,
        // 圈存 holds the money in its account: a freeze, whatever mechanism
        // an earlier clause names.
        &[(
            18_000_000.0,
            "元",
            "funds_frozen",
            Some("MOP"),
            Some("over"),
            None,
        )],
    );
}

#[test]
fn taiwan_weekly_dashboard() {
    check(
        "刑事局統計,上週全國共受理詐欺案2,861件,財損新臺幣10億3,215萬元,警方並攔阻詐騙金額2億1,500萬元。",
        Script::Hant,
        &[
            (2861.0, "件", "cases_reported", None, None, None),
            (1_032_150_000.0, "元", "other", Some("TWD"), None, None),
            (
                215_000_000.0,
                "元",
                "funds_stopped",
                Some("TWD"),
                None,
                None,
            ),
        ],
    );
}

#[test]
fn taiwan_city_results() {
    check(
        "臺南市警察局今年1至10月偵破詐欺集團152個,查獲車手及成員1,034人,勸阻民眾受騙615件。",
        Script::Hant,
        &[
            (152.0, "个", "gangs_busted", None, None, None),
            (1034.0, "人", "suspects_arrested", None, None, None),
            (615.0, "件", "people_protected", None, None, None),
        ],
    );
}

#[test]
fn mainland_respectively_changes() {
    check(
        "2024年,全市公安机关共侦破电信网络诈骗案件2356起,抓获犯罪嫌疑人4871名,同比分别上升18.2%、25.6%。",
        Script::Hans,
        &[
            (2356.0, "起", "cases_solved", None, None, None),
            (4871.0, "名", "suspects_arrested", None, None, None),
            (18.2, "%", "cases_solved", None, None, Some("up")),
            (25.6, "%", "suspects_arrested", None, None, Some("up")),
        ],
    );
}

#[test]
fn mainland_warnings_and_funds() {
    check(
        "今年以来,市反诈中心累计推送预警指令12.3万条,见面劝阻群众3.6万人次,紧急止付涉案资金1.2亿元,冻结资金8600余万元。",
        Script::Hans,
        &[
            (123_000.0, "条", "warnings_issued", None, None, None),
            (36_000.0, "人次", "people_protected", None, None, None),
            (
                120_000_000.0,
                "元",
                "funds_stopped",
                Some("CNY"),
                None,
                None,
            ),
            (
                86_000_000.0,
                "元",
                "funds_frozen",
                Some("CNY"),
                Some("over"),
                None,
            ),
        ],
    );
}

#[test]
fn mainland_gangs_dens_returns() {
    check(
        "截至6月底,全省共打掉涉诈团伙326个,捣毁窝点58处,返还被骗资金5.7亿元。",
        Script::Hans,
        &[
            (326.0, "个", "gangs_busted", None, None, None),
            (58.0, "处", "dens_destroyed", None, None, None),
            (
                570_000_000.0,
                "元",
                "funds_returned",
                Some("CNY"),
                None,
                None,
            ),
        ],
    );
}

#[test]
fn mainland_both_fell() {
    check(
        "今年上半年,全县电信网络诈骗发案数和损失金额均下降25%。",
        Script::Hans,
        &[
            (25.0, "%", "cases_reported", None, None, Some("down")),
            (25.0, "%", "other", None, None, Some("down")),
        ],
    );
}

#[test]
fn singapore_mixed_numerals() {
    check(
        "新加坡警方说,今年上半年诈骗案增至2万6587起,受害者损失至少3亿8580万元。",
        Script::Hans,
        &[
            (26_587.0, "起", "cases_reported", None, None, None),
            (
                385_800_000.0,
                "元",
                "other",
                Some("SGD"),
                Some("over"),
                None,
            ),
        ],
    );
}

#[test]
fn repatriation_verb_after_figure() {
    check(
        "公安机关先后将1560名电诈犯罪嫌疑人从境外押解回国,另有300余名在逃人员被缉捕归案。",
        Script::Hans,
        &[
            (1560.0, "名", "suspects_repatriated", None, None, None),
            (300.0, "名", "fugitives_captured", None, Some("over"), None),
        ],
    );
}

#[test]
fn periods_resolve_against_publication() {
    let got = extract(
        "今年1至5月,全省共破获电信网络诈骗案件1.2万起。",
        Script::Hans,
    );
    let p = got.first().map(|s| s.period.clone()).unwrap_or_default();
    assert_eq!(p.text.as_deref(), Some("今年1至5月"));
    assert_eq!(p.from.as_deref(), Some("2024-01-01"));
    assert_eq!(p.to.as_deref(), Some("2024-05-31"));
    let got = extract("2023年7月以来,累计拦截诈骗电话1.1亿次。", Script::Hans);
    let p = got.first().map(|s| s.period.clone()).unwrap_or_default();
    assert_eq!(p.from.as_deref(), Some("2023-07-01"));
    assert_eq!(p.to, None);
    for (text, from, to) in [
        (
            "今年前三季度,全市共破获案件1200起。",
            "2024-01-01",
            "2024-09-30",
        ),
        (
            "2023年第三季度,全市共破获案件300起。",
            "2023-07-01",
            "2023-09-30",
        ),
        (
            "今年首三季本澳警方共開立案件10,831宗。",
            "2024-01-01",
            "2024-09-30",
        ),
        (
            "上月全國共受理詐欺案1萬4109件。",
            "2024-05-01",
            "2024-05-31",
        ),
        (
            "自11月10日至21日,警方共查获诈欺犯罪689人。",
            "2023-11-10",
            "2023-11-21",
        ),
    ] {
        let got = extract(text, Script::Hans);
        let p = got.first().map(|s| s.period.clone()).unwrap_or_default();
        assert_eq!(
            (p.from.as_deref(), p.to.as_deref()),
            (Some(from), Some(to)),
            "{text}"
        );
    }
    let got = extract("114年金門受理詐欺案件共316件。", Script::Hant);
    let p = got.first().map(|s| s.period.clone()).unwrap_or_default();
    assert_eq!(p.from.as_deref(), Some("2025-01-01"));
    assert_eq!(p.to.as_deref(), Some("2025-12-31"));
}

#[test]
fn extractor_is_send_and_sync() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<Extractor>();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// No input panics, and spans stay inside the text.
    #[test]
    fn any_text_is_safe(text in "[0-9０-９一二三四五六七八九十百千万亿萬億两兩零〇○点點.,，。、%％成余多约近超逾元起名人宗件个條条次年月日至到以上下同比上升下降分别均各港元澳門元新台幣人民币第前每(（)）“”「」 \n\\-/a-zA-Z案件破获抓获嫌疑人诈骗警方]{0,120}") {
        let ex = extractor();
        let article = Article { title: Some(text.clone()), published: Some("2024-06-30".into()), source: None, author: None, script: Script::Hant, text: text.clone() };
        let n = text.chars().count();
        for s in ex.extract(&article) {
            proptest::prop_assert!(s.span[0] <= s.span[1] && s.span[1] <= n);
            proptest::prop_assert!(s.value.is_finite());
        }
    }
}

#[test]
fn currency_symbols_make_money() {
    check(
        "受害人損失HK$3,000萬,另一人被騙US$12,000,亦有人被騙NT$80萬元。",
        Script::Hant,
        &[
            (30_000_000.0, "元", "other", Some("HKD"), None, None),
            (12_000.0, "元", "other", Some("USD"), None, None),
            (800_000.0, "元", "other", Some("TWD"), None, None),
        ],
    );
}

#[test]
fn lone_multipliers_after_approximations() {
    check(
        "该平台日均推送预警信息近万条,涉案金额逾亿元。",
        Script::Hans,
        &[
            (10_000.0, "条", "warnings_issued", None, Some("about"), None),
            (
                100_000_000.0,
                "元",
                "other",
                Some("CNY"),
                Some("over"),
                None,
            ),
        ],
    );
}

#[test]
fn signed_figures_carry_their_direction() {
    check(
        "三類騙案分別錄得跌幅-12.5%及-3.1%,網購騙案則增420宗(+8.4%)。",
        Script::Hant,
        &[
            (12.5, "%", "cases_reported", None, None, Some("down")),
            (3.1, "%", "cases_reported", None, None, Some("down")),
            (420.0, "宗", "cases_reported", None, None, Some("up")),
            (8.4, "%", "cases_reported", None, None, Some("up")),
        ],
    );
}

#[test]
fn statutory_penalties_and_advice_are_not_results() {
    check(
        "警方拘捕35人。洗钱罪一经定罪,最高可判监禁10年及罚款30万元。民警提醒,切勿连续输错三次密码。",
        Script::Hans,
        &[(35.0, "人", "suspects_arrested", None, None, None)],
    );
}

#[test]
fn respectively_after_a_noun_list_clause() {
    check(
        "全市诈骗案件立案数和群众损失数,同比分别下降12.5%和8.5%。",
        Script::Hans,
        &[
            (12.5, "%", "cases_reported", None, None, Some("down")),
            (8.5, "%", "other", None, None, Some("down")),
        ],
    );
}

#[test]
fn a_rise_and_a_fall_of_one_size_are_two_facts() {
    check(
        "电话骗案损失较上年减少了2.3亿元。投资骗案损失较上年增加了近2.3亿元。",
        Script::Hans,
        &[
            (
                230_000_000.0,
                "元",
                "other",
                Some("CNY"),
                None,
                Some("down"),
            ),
            (
                230_000_000.0,
                "元",
                "other",
                Some("CNY"),
                Some("about"),
                Some("up"),
            ),
        ],
    );
}

#[test]
fn one_rescued_sum_told_twice_is_one_fact() {
    check(
        "民警成功拦截涉案资金6.4万元。经过劝导,事主终于醒悟,民警为其挽回6.4万元损失。",
        Script::Hans,
        &[(64_000.0, "元", "funds_stopped", Some("CNY"), None, None)],
    );
}

#[test]
fn gang_counts_units_and_furniture() {
    check(
        "作者:本报记者 浏览:321次 警方破获诈骗集团12件、嫌犯57人,捣毁两个窝点。另扣押泰达币3万枚。一块展板吸引群众驻足。",
        Script::Hans,
        &[
            (12.0, "件", "gangs_busted", None, None, None),
            (57.0, "人", "suspects_arrested", None, None, None),
            (2.0, "个", "dens_destroyed", None, None, None),
            (30_000.0, "枚", "other", None, None, None),
        ],
    );
}

/// Changes given in times are statistics like any other change (the spec's
/// unit `倍`), and take the metric of what they change.
#[test]
fn changes_in_times_are_reported() {
    check(
        "今年上半年,本区网络诈骗案件按年增加1.5倍;破获诈骗案件数同比上升两倍。",
        Script::Hans,
        &[
            (1.5, "倍", "cases_reported", None, None, Some("up")),
            (2.0, "倍", "cases_solved", None, None, Some("up")),
        ],
    );
}

/// Hong Kong and Macau crime reports count other crime (extortion, child
/// abuse, robbery) and a force's files at large with the same 宗 as fraud;
/// courts' and procuratorates' cases are theirs, not reported cases.
#[test]
fn other_crime_files_and_court_cases_are_not_fraud_cases_reported() {
    check(
        "上半年錄得詐騙案1200宗。勒索案錄得310宗,虐兒案錄得45宗。司警開立各類案卷共4100宗。法院已結一審電信網絡詐騙案件350件,檢察機關辦理公益訴訟案件28件。",
        Script::Hant,
        &[
            (1200.0, "宗", "cases_reported", None, None, None),
            (310.0, "宗", "other", None, None, None),
            (45.0, "宗", "other", None, None, None),
            (4100.0, "宗", "other", None, None, None),
            (350.0, "件", "other", None, None, None),
            (28.0, "件", "other", None, None, None),
        ],
    );
}

/// People held over fraud counted before the verb (`…人涉案被捕`,
/// Singapore's `…人因涉及欺诈而协助警方调查`); people held over something else
/// are not suspects arrested, and cases intercepted are not cases reported.
#[test]
fn arrests_after_the_people_and_intercepted_cases() {
    check(
        "过去一年,共有812人涉案被捕。另有45名警员因涉及刑事案件被捕。反诈骗协调中心成功阻截530宗骗案。",
        Script::Hans,
        &[
            (812.0, "人", "suspects_arrested", None, None, None),
            (45.0, "名", "other", None, None, None),
            (530.0, "宗", "other", None, None, None),
        ],
    );
}

#[test]
fn crime_at_large_is_other_fraud_cases_stay() {
    // All crime a county force handled, then its fraud cases: only the
    // latter are the fraud metrics.
    check(
        "去年全县共立各类刑事案件1830起，破获刑事案件905起，同比上升12.5%；破获“两抢”案件40起；破获电信网络诈骗案件210起。",
        Script::Hans,
        &[
            (1830.0, "起", "other", None, None, None),
            (905.0, "起", "other", None, None, None),
            (12.5, "%", "other", None, None, Some("up")),
            (40.0, "起", "other", None, None, None),
            (210.0, "起", "cases_solved", None, None, None),
        ],
    );
}

/// The head noun nearest the figure picks between gangs and dens
/// (`团伙窝点…个` counts dens, `窝点、团伙…个` gangs); people held at a den
/// are arrests; a gang's own crimes, a procuratorate's caseload and the
/// leads of cards are not cases reported.
#[test]
fn head_nouns_and_crimes_that_are_not_cases_reported() {
    check(
        "2017年以来，警方打掉涉诈犯罪团伙窝点1200余个。今年6月，民警捣毁窝点后现场控制嫌疑人6名。该犯罪团伙流窜全国多地作案40余起。全市检察机关办案数同比增加38.3%。涉案银行卡、电话卡线索同比下降20.53%。",
        Script::Hans,
        &[
            (1200.0, "个", "dens_destroyed", None, Some("over"), None),
            (6.0, "名", "suspects_arrested", None, None, None),
            (40.0, "起", "other", None, Some("over"), None),
            (38.3, "%", "other", None, None, Some("up")),
            (20.53, "%", "other", None, None, Some("down")),
        ],
    );
}

/// Batch S, written afresh: all criminal and public-order calls are crime at
/// large, and frauds headed off are intercepted; neither is the number of
/// fraud cases reported.
#[test]
fn all_crime_calls_and_frauds_headed_off_are_not_cases_reported() {
    check(
        "今年以来，全县刑事、治安类警情同比分别下降8.4%、9.1%，电信网络诈骗发案同比下降21%。",
        Script::Hans,
        &[
            (8.4, "%", "other", None, None, Some("down")),
            (9.1, "%", "other", None, None, Some("down")),
            (21.0, "%", "cases_reported", None, None, Some("down")),
        ],
    );
    check(
        "社区民警今年已累计阻断针对老年人的诈骗12起。",
        Script::Hans,
        &[(12.0, "起", "other", None, None, None)],
    );
}

/// Batch S, written afresh: `预警` counted in person-times with no message
/// noun counts people warned (GUIDE); with one (`预警数据`) it counts the
/// messages, and a bare `预警…个` counts alerts.
#[test]
fn warnings_counted_in_people_are_people_warned() {
    check(
        "平台全年预警超2亿人次，下发预警数据3200万人次，发送预警短信3300余条、通缉令预警1700余个。",
        Script::Hans,
        &[
            (
                200_000_000.0,
                "人次",
                "people_protected",
                None,
                Some("over"),
                None,
            ),
            (32_000_000.0, "人次", "warnings_issued", None, None, None),
            (3300.0, "条", "warnings_issued", None, Some("over"), None),
            (1700.0, "个", "warnings_issued", None, Some("over"), None),
        ],
    );
}

/// Batch S, written afresh: where the police arrest (`新加坡警方…逮捕`,
/// with a breakdown in brackets), 逮捕 is their arrest; a procuratorate's
/// approval of arrest stays other (GUIDE).
#[test]
fn an_arrest_by_the_police_is_counted_and_a_procuratorate_approval_is_not() {
    check(
        "新加坡警方于11月展开全岛执法行动，逮捕41人（30名男子、11名女子）。",
        Script::Hans,
        &[
            (41.0, "人", "suspects_arrested", None, None, None),
            (30.0, "名", "suspects_arrested", None, None, None),
            (11.0, "名", "suspects_arrested", None, None, None),
        ],
    );
    check(
        "今年以来，市检察院批准逮捕电信网络诈骗犯罪嫌疑人126人。",
        Script::Hans,
        &[(126.0, "人", "other", None, None, None)],
    );
}

/// Batches S and U, written afresh: publicity sent to everyone is no
/// warning, and dens struck (`打击…窝点`) are dens destroyed.
#[test]
fn publicity_messages_are_other_and_dens_struck_are_destroyed() {
    check(
        "全年发送反诈宣传短信86万余条，发送反诈信息2亿条，推送预警指令3.2万条，打击“猫池”窝点214个。",
        Script::Hans,
        &[
            (860_000.0, "条", "other", None, Some("over"), None),
            (200_000_000.0, "条", "other", None, None, None),
            (32_000.0, "条", "warnings_issued", None, None, None),
            (214.0, "个", "dens_destroyed", None, None, None),
        ],
    );
}

/// Batch U, written afresh: Hong Kong releases break a count down by sex
/// with no counting word (`8男3女共11人被捕`); each part is a figure of the
/// count's metric. A `男` with no second number after it is no breakdown.
#[test]
fn a_breakdown_by_sex_without_counting_words_takes_the_count_metric() {
    check(
        "警方採取行動，9男4女共13人被捕，涉款逾300萬元。",
        Script::Hant,
        &[
            (9.0, "", "suspects_arrested", None, None, None),
            (4.0, "", "suspects_arrested", None, None, None),
            (13.0, "人", "suspects_arrested", None, None, None),
            (3_000_000.0, "元", "other", Some("CNY"), Some("over"), None),
        ],
    );
    check(
        "警方拘捕5人，其中3男子涉嫌洗黑錢。",
        Script::Hant,
        &[(5.0, "人", "suspects_arrested", None, None, None)],
    );
}

/// Batch U, written afresh: `电信网络新型违法犯罪`, the 2015–2016 name of
/// telecom fraud, scopes a count as fraud; police deployed are not arrests.
#[test]
fn the_old_name_of_telecom_fraud_counts_and_police_deployed_do_not() {
    check(
        "今年1至8月，区公安分局共受理电信网络新型违法犯罪案件436起，共出动警力3200余人次。",
        Script::Hans,
        &[
            (436.0, "起", "cases_reported", None, None, None),
            (3200.0, "人次", "other", None, Some("over"), None),
        ],
    );
}

/// Batch W, written afresh: a procuratorate's supervision work and cases a
/// suspect is tied to are not the cases reported.
#[test]
fn supervision_work_and_cases_tied_to_a_suspect_are_not_cases_reported() {
    check(
        "区检察院受理民事监督案件9件，受理案件线索78件。",
        Script::Hans,
        &[
            (9.0, "件", "other", None, None, None),
            (78.0, "件", "other", None, None, None),
        ],
    );
    check(
        "警方相信他涉嫌与20多宗网上拍卖骗案有关。",
        Script::Hans,
        &[(20.0, "宗", "other", None, Some("over"), None)],
    );
}

/// Batch X, written afresh: two people written out in words before a
/// description (`兩名男子`, `两位民警`) are characters of a story; a count
/// in digits stays; `四处` is "everywhere"; `蓝天二号` names a campaign,
/// its 二号 is no day.
#[test]
fn story_pairs_and_campaign_numbers_are_no_statistics() {
    let got = extract(
        "一名老人和兩名年輕男子走進支行，要取現金7.86萬元。兩位民警趕到網點，老人便和兩名男子四處輾轉。",
        Script::Hant,
    );
    let values: Vec<(f64, String)> = got.iter().map(|s| (s.value, s.unit.clone())).collect();
    assert_eq!(values, vec![(78_600.0, "元".to_string())], "{got:?}");
    let got = extract("民警蹲守多时，成功擒获3名嫌疑男子。", Script::Hans);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got.first().map(|s| s.metric.as_str()),
        Some("suspects_arrested")
    );
    let got = extract("“蓝天二号”收网行动共到案犯罪嫌疑人265名。", Script::Hans);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got.iter().all(|s| s.period.text.as_deref() != Some("二号")),
        "{got:?}"
    );
}

/// Batch X, written afresh: people a passive arrest acts on are arrested,
/// whatever names them (`该团伙19人已被警方依法刑事拘留`); suspects
/// (`嫌犯`) handed over from abroad are repatriated.
#[test]
fn people_in_a_passive_arrest_and_suspects_handed_over() {
    check(
        "目前，该团伙19人已被警方依法刑事拘留。",
        Script::Hans,
        &[(19.0, "人", "suspects_arrested", None, None, None)],
    );
    check(
        "缅甸再次移交352名电信诈骗嫌犯。",
        Script::Hans,
        &[(352.0, "名", "suspects_repatriated", None, None, None)],
    );
}

/// Batch Z, written afresh: counts of measures, kinds and policies a text
/// lists (`出台156项便民措施`, `以下4种类型`, `3类业务`) are list counts;
/// a count of cases by kind stays.
#[test]
fn counts_of_measures_and_kinds_are_list_counts() {
    let got = extract(
        "两年来共出台156项便民服务措施。从案件数量看，以下4种类型案件最为集中。全面启动3类业务“异地通办”。",
        Script::Hans,
    );
    assert!(got.is_empty(), "{got:?}");
    check(
        "今年以来共破获电信网络诈骗案件320起。",
        Script::Hans,
        &[(320.0, "起", "cases_solved", None, None, None)],
    );
}

/// Batch X, written afresh: `各有` hands one count to each of the things
/// listed before it; `访问` after `的` is a noun of the text, not a page's
/// visit counter.
#[test]
fn each_having_and_visits_in_the_text() {
    let got = extract("网购诈骗及投资诈骗则各有21宗。", Script::Hans);
    assert_eq!(got.iter().filter(|s| s.value == 21.0).count(), 2, "{got:?}");
    let got = extract("日均阻断对诈骗网站的访问 1267 万次。", Script::Hans);
    assert_eq!(got.len(), 1, "{got:?}");
    let got = extract("浏览次数:1234次", Script::Hans);
    assert!(got.is_empty(), "{got:?}");
}

/// Batch D3, written afresh: a bound in brackets after the cases it
/// qualifies (`部督案件(财产损失100万元以上)3起`) is no statistic.
#[test]
fn a_bracketed_bound_qualifies_the_cases_before_it() {
    let got = extract(
        "共破获部督案件(财产损失100万元以上)3起、省督案件(财产损失30万元以上)60起。",
        Script::Hans,
    );
    let values: Vec<f64> = got.iter().map(|s| s.value).collect();
    assert_eq!(values, vec![3.0, 60.0], "{got:?}");
}
