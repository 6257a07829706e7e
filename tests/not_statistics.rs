//! Every case of the spec's "Not statistics" list yields nothing (or only
//! the figure that is a statistic).

use std::path::Path;

use fraudstat::extract::Extractor;
use fraudstat::model::{Article, Script};

fn extractor() -> Extractor {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon loads")
}

fn found(text: &str) -> Vec<(f64, String)> {
    let article = Article {
        title: None,
        published: Some("2024-06-30".into()),
        source: None,
        author: None,
        script: Script::Hans,
        text: text.into(),
    };
    extractor()
        .extract(&article)
        .into_iter()
        .map(|s| (s.value, s.unit))
        .collect()
}

fn assert_none(text: &str) {
    let got = found(text);
    assert!(got.is_empty(), "expected nothing in {text:?}, got {got:?}");
}

fn assert_only(text: &str, want: &[(f64, &str)]) {
    let got = found(text);
    let want: Vec<(f64, String)> = want.iter().map(|(v, u)| (*v, (*u).to_string())).collect();
    assert_eq!(got, want, "in {text:?}");
}

#[test]
fn dates_are_not_statistics() {
    assert_none("2023年7月,记者从公安厅获悉。");
    assert_none("本报讯 2024-01-09 10:32 发布");
    assert_none("二〇一七年三月十五日,警方召开发布会。");
    assert_none("114年10月,刑事局公布资料。");
    assert_none("1/10全国统计资料出炉。");
}

#[test]
fn durations_are_not_statistics() {
    assert_none("全省学生涉案人数连续4个月下降。");
    assert_none("强化“7×24小时”网络巡查监测。");
    assert_none("反诈中心二十四小时运作,历经14天破案。");
    assert_none("协调中心成立4个多月以来表现良好。");
}

#[test]
fn phone_numbers_and_hotlines_are_not_statistics() {
    assert_none("如遇诈骗请拨打96110反诈专线或110报警。");
    assert_none("联系电话:0531-66661234");
    assert_none("請撥打165反詐騙諮詢專線查證。");
    assert_none("防騙易熱線18222全日運作。");
}

#[test]
fn ordinals_and_list_markers_are_not_statistics() {
    assert_none("一是加强宣传,二是强化打击,五是完善机制。");
    assert_none("第六届反诈宣传周开幕。");
    assert_none("(一)可疑帐号警示扩至网络银行;(二)骗案预警。");
    assert_none("1.假冒客服诈骗;2.刷单诈骗。");
}

#[test]
fn names_holding_numerals_are_not_statistics() {
    assert_none("公安机关严厉打击“两卡”违法犯罪。");
    assert_none("缅北四大家族已被移交我方。");
    assert_none("深化“四专两合力”改革,落实“三个一律”要求。");
    assert_none("强化“一人一档一策”劝返。");
    assert_none("“云剑2021”行动取得成效。");
    assert_none("警方破获“7·19”特大电信诈骗案,并发布“5.10”专项通报。");
    assert_none("90后和80后受害人居多。");
}

#[test]
fn thresholds_qualify_another_figure() {
    assert_only("共破获被骗百万元以上案件1512起。", &[(1512.0, "起")]);
    assert_only("破获涉案金额50万元以上案件122起。", &[(122.0, "起")]);
    assert_only("被骗金额10万元以上的有7起。", &[(7.0, "起")]);
    assert_only("被骗金额5万元到10万元的有5起。", &[(5.0, "起")]);
    assert_only("涉案金额超过100万元的案件有12起。", &[(12.0, "起")]);
    assert_only("共立10萬元以上電詐案件11起。", &[(11.0, "起")]);
}

#[test]
fn rankings_are_not_statistics() {
    assert_none("该县破案率位居全市第6名。");
    assert_none("诈骗手法前5名依序为网购诈骗。");
}

#[test]
fn ages_are_not_statistics() {
    assert_only(
        "8名受害人(71至93岁)一共损失120多万元。",
        &[(8.0, "名"), (1200000.0, "元")],
    );
    assert_none("一名86岁本地男子报案。");
}

#[test]
fn chrome_like_lines_are_not_statistics() {
    assert_none("浏览次数:1234次");
    assert_none("版权所有 © 2003-2024 人民网 京ICP备05012345号");
    assert_none("阅读 3.2万 点赞 120");
    assert_none("• 衛生局接獲通報1宗流感死亡病例報告\n- 福建嚴懲電信網絡詐騙:全省集中宣判37起案件");
    assert_none("（記者方一成攝）");
}

#[test]
fn back_references_are_not_new_figures() {
    assert_only(
        "警方抓获犯罪嫌疑人12名。上述12名犯罪嫌疑人已被押解回汉中。",
        &[(12.0, "名")],
    );
}

#[test]
fn narrative_one_is_not_a_statistic() {
    assert_none("一名男子在社交软件上认识一个自称客服的人,一起去银行。");
}

#[test]
fn pair_pronouns_are_not_statistics() {
    assert_none("目前，两人均已被刑事拘留，案件正在进一步侦办中。");
    assert_none("到案后，二人对犯罪事实供认不讳。");
    assert_none("民警迅速出击，将两人抓获归案。");
    assert_none("經查，兩人分工明確，一人負責收卡，一人負責轉帳。");
    assert_none("民警随即对二人开展审讯，两人交代了作案经过。");
    assert_none("他们两人系夫妻关系。");
    // In digits, and after the anonymised names it stands for.
    assert_none("经询问，2人对帮助转移资金的事实供认不讳。");
    assert_none("民警发现，王某明、李某某2人名下银行卡流水异常。");
}

#[test]
fn counts_of_people_stay_statistics() {
    assert_only("此次行动共抓获犯罪嫌疑人2人。", &[(2.0, "人")]);
    assert_only("共抓获犯罪嫌疑人两人。", &[(2.0, "人")]);
    assert_only("警方抓获两名犯罪嫌疑人。", &[(2.0, "名")]);
    assert_only("劝阻群众两人次。", &[(2.0, "人次")]);
    assert_only("今年以来共劝返滞留境外人员二十人。", &[(20.0, "人")]);
}

#[test]
fn group_size_thresholds_qualify_another_figure() {
    assert_only("打掉两人以上犯罪团伙5个。", &[(5.0, "个")]);
}

#[test]
fn slogans_in_quotes_are_not_statistics() {
    assert_none("全县围绕“建好一个平台,用好两支队伍,落实三项机制”的思路推进反诈工作。");
    assert_none("全市呈现出“两个下降、一个上升”的良好态势。");
    // A figure in digits inside quotes stays: quotes also hold data.
    assert_only("通报称“今年共破获案件35起”。", &[(35.0, "起")]);
}

#[test]
fn like_collecting_rules_are_not_statistics() {
    assert_none("转发本文集赞30个即可领取反诈帆布袋一个。");
}

#[test]
fn boards_counted_in_kuai_are_not_money() {
    assert_only("在村口设置反诈宣传牌3000余块。", &[(3000.0, "块")]);
    assert_only("张某被骗走3000块。", &[(3000.0, "元")]);
}

#[test]
fn online_and_offline_campaigns_are_counted() {
    assert_only("民警组织开展12次线上线下反诈宣讲。", &[(12.0, "次")]);
}

#[test]
fn durations_with_a_fraction_are_not_statistics() {
    assert_none("民警蹲守了2个多小时,终于等到嫌疑人现身。");
    assert_none("专案组连续奋战3个半月,摸清了窝点位置。");
    assert_only("历经1个多星期的追踪,警方抓获嫌疑人12名。", &[(12.0, "名")]);
}

#[test]
fn earlier_occasions_are_not_new_counts() {
    assert_only(
        "这是该局第三次集中押解,前两次分别在去年春季和秋季,此次押解嫌疑人31名。",
        &[(31.0, "名")],
    );
}

#[test]
fn the_size_of_a_list_just_named_is_not_a_statistic() {
    assert_none("全市围绕宣传、打击、防范三条主线推进反诈工作。");
    assert_none("工作组赴东港区、西山区、南湖区三个重点地区督导检查。");
    assert_none("民警走访银行、通信和物流三类企业。");
    // a partial list or named people leave the count standing
    assert_only("抓获刘某、陈某等三名犯罪嫌疑人。", &[(3.0, "名")]);
}

#[test]
fn digit_counts_of_phone_numbers_are_not_statistics() {
    assert_none("诈骗来电的号码往往不是十一位数字,而是七位、九位甚至12位数字。");
    assert_none("来电显示为6位数的短号码时要多加小心。");
    assert_only("现场有5位专家为群众解答疑问。", &[(5.0, "位")]);
}

#[test]
fn operator_and_account_classes_are_names() {
    assert_none("警方查获一家违规经营的二类电信公司。");
    assert_none("银行对可疑的二类户采取了限额措施。");
}

#[test]
fn a_round_multiplier_in_a_quoted_pitch_is_not_money() {
    assert_none("骗子在群里打出“动动手指,月入万元”的广告招揽兼职。");
    assert_only(
        "骗子以“日赚千元”为诱饵,骗走受害人3.2万元。",
        &[(32000.0, "元")],
    );
}

#[test]
fn issues_of_a_publication_are_counted_unless_labelled_by_year() {
    assert_only("全年推送以案说法专栏30余期。", &[(30.0, "期")]);
    assert_none("刊于《公安研究》2022年7期。");
}

#[test]
fn restatements_are_one_fact() {
    // a repeated paragraph, small figures too
    assert_only(
        "今年以来,警方破获冒充客服诈骗案8起。\n今年以来,警方破获冒充客服诈骗案8起。",
        &[(8.0, "起")],
    );
    // a run-in headline restating the body in other numerals
    assert_only(
        "上月接获百宗求职骗案 上月警方共接获100宗求职骗案,较去年同期上升。",
        &[(100.0, "宗")],
    );
    // small round counts of different things stay two
    assert_only(
        "全市300余个社区设立反诈站点。警方全年制作短视频300余个。",
        &[(300.0, "个"), (300.0, "个")],
    );
}
