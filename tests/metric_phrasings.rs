//! Phrasings written for this test (not taken from the corpus) of each
//! metric of the spec's taxonomy, in mainland, Hong Kong, Macau and Taiwan
//! wordings, Simplified and Traditional: each figure must get the metric
//! the spec gives it, through the real extractor.

use std::path::Path;

use fraudstat::extract::Extractor;
use fraudstat::model::{Article, Script, Statistic};

fn extractor() -> &'static Extractor {
    static EX: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon loads")
    })
}

fn extract(text: &str) -> Vec<Statistic> {
    // Script only labels the article; the extractor reads both.
    let script = if text
        .chars()
        .any(|c| "們過詐騙獲據資凍結損時經與個這萬億".contains(c))
    {
        Script::Hant
    } else {
        Script::Hans
    };
    extractor().extract(&Article {
        title: None,
        published: Some("2024-06-30".into()),
        source: None,
        author: None,
        script,
        text: text.into(),
    })
}

/// A sentence, a value found in it, the unit of that value and its metric.
type Row = (&'static str, f64, &'static str, &'static str);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Warnings issued, kept apart from people dissuaded (劝阻 …人).
    ("今年以来，全市反诈中心共发出预警信息3.2万条。", 32_000.0, "条", "warnings_issued"),
    ("公安机关累计下发预警指令1.5万条，见面劝阻群众8000余人。", 15_000.0, "条", "warnings_issued"),
    ("公安机关累计下发预警指令1.5万条，见面劝阻群众8000余人。", 8_000.0, "人", "people_protected"),
    ("反诈平台向群众推送预警提示12万次。", 120_000.0, "次", "warnings_issued"),
    ("反诈中心预警1.3万次，民警见面劝阻3200人。", 13_000.0, "次", "warnings_issued"),
    ("反诈中心预警1.3万次，民警见面劝阻3200人。", 3_200.0, "人", "people_protected"),
    ("全年拨打预警劝阻电话2.6万次。", 26_000.0, "次", "warnings_issued"),
    ("向潜在受害人发送反诈预警短信450万条。", 4_500_000.0, "条", "warnings_issued"),
    ("分局累计发布预警信息2000余条。", 2_000.0, "条", "warnings_issued"),
    ("向各地推送预警数据8.7万条。", 87_000.0, "条", "warnings_issued"),
    ("反詐中心發出預警訊息4,500則。", 4_500.0, "则", "warnings_issued"),
    ("累計推送預警提示3.2萬次，成功勸阻市民1,200人。", 32_000.0, "次", "warnings_issued"),
    ("累計推送預警提示3.2萬次，成功勸阻市民1,200人。", 1_200.0, "人", "people_protected"),
    ("警方去年發出逾8000次防騙提示。", 8_000.0, "次", "warnings_issued"),
    // People protected.
    ("成功劝阻群众1.2万人。", 12_000.0, "人", "people_protected"),
    ("今年以来避免2.3万名群众被骗。", 23_000.0, "名", "people_protected"),
    ("民警上门劝阻潜在受害人5600余人次。", 5_600.0, "人次", "people_protected"),
    ("共成功預警勸阻1.1萬人次。", 11_000.0, "人次", "people_protected"),
    // A change of the number of cases is a change of cases reported.
    ("今年以来，全市电诈发案数同比下降21.3%。", 21.3, "%", "cases_reported"),
    ("全县电信网络诈骗案件数量同比下降18.6%。", 18.6, "%", "cases_reported"),
    ("全区立案数同比下降12.4%。", 12.4, "%", "cases_reported"),
    ("全市破获案件1200起，发案数同比下降21.3%。", 1_200.0, "起", "cases_solved"),
    ("全市破获案件1200起，发案数同比下降21.3%。", 21.3, "%", "cases_reported"),
    (
        "全市共破获电信网络诈骗案件860起，抓获犯罪嫌疑人1020名，案件数量同比下降15.2%。",
        15.2,
        "%",
        "cases_reported",
    ),
    (
        "全市共破获电信网络诈骗案件860起，抓获犯罪嫌疑人1020名，案件数量同比下降15.2%。",
        1_020.0,
        "名",
        "suspects_arrested",
    ),
    ("破案数同比上升12%，发案数同比下降8%。", 12.0, "%", "cases_solved"),
    ("破案数同比上升12%，发案数同比下降8%。", 8.0, "%", "cases_reported"),
    ("全市电信网络诈骗警情同比下降30.5%。", 30.5, "%", "cases_reported"),
    ("抓获犯罪嫌疑人320名，发案同比下降11.2%。", 11.2, "%", "cases_reported"),
    ("全市电诈发案1230起，同比下降21.3%。", 1_230.0, "起", "cases_reported"),
    ("全市电诈发案1230起，同比下降21.3%。", 21.3, "%", "cases_reported"),
    ("今年上半年全區立案數同比下降21.3%。", 21.3, "%", "cases_reported"),
    ("詐騙案件按年上升12.4%。", 12.4, "%", "cases_reported"),
    ("去年共錄得39,824宗詐騙案，按年上升42.9%。", 39_824.0, "宗", "cases_reported"),
    ("去年共錄得39,824宗詐騙案，按年上升42.9%。", 42.9, "%", "cases_reported"),
    ("網上騙案的數字按年下跌8.1%。", 8.1, "%", "cases_reported"),
    // Cases solved and reported as counts.
    ("全省破获电信网络诈骗案件1.2万起。", 12_000.0, "起", "cases_solved"),
    ("侦破案件320起，同比上升12%。", 320.0, "起", "cases_solved"),
    ("侦破案件320起，同比上升12%。", 12.0, "%", "cases_solved"),
    ("全省共立电信网络诈骗案件2.3万起，同比下降18%。", 23_000.0, "起", "cases_reported"),
    ("全省共立电信网络诈骗案件2.3万起，同比下降18%。", 18.0, "%", "cases_reported"),
    ("警方今年首季共接獲5,200宗詐騙案。", 5_200.0, "宗", "cases_reported"),
    ("全港詐騙案件共1.1萬宗，按年上升12%。", 11_000.0, "宗", "cases_reported"),
    ("上月全國受理詐騙案件3,200件。", 3_200.0, "件", "cases_reported"),
    ("司警局去年共開立電話詐騙案1,350宗。", 1_350.0, "宗", "cases_reported"),
    ("刑事局去年偵破詐欺案1,250件。", 1_250.0, "件", "cases_solved"),
    ("全港詐騙案錄得3.9萬宗，損失金額達91億港元。", 39_000.0, "宗", "cases_reported"),
    ("全港詐騙案錄得3.9萬宗，損失金額達91億港元。", 9_100_000_000.0, "元", "other"),
    ("受騙人數達2,350人。", 2_350.0, "人", "other"),
    ("詐騙案件數按年上升8.6%，財損按年下跌3.1%。", 8.6, "%", "cases_reported"),
    ("詐騙案件數按年上升8.6%，財損按年下跌3.1%。", 3.1, "%", "other"),
    // Stopped, frozen, returned, avoided.
    ("紧急止付涉案资金2.3亿元。", 230_000_000.0, "元", "funds_stopped"),
    ("冻结涉案资金3000万元。", 30_000_000.0, "元", "funds_frozen"),
    ("止付资金1.2亿元，冻结资金8000万元。", 120_000_000.0, "元", "funds_stopped"),
    ("止付资金1.2亿元，冻结资金8000万元。", 80_000_000.0, "元", "funds_frozen"),
    ("为群众挽回经济损失1.2亿元。", 120_000_000.0, "元", "funds_returned"),
    ("向受害人返还被骗资金860万元。", 8_600_000.0, "元", "funds_returned"),
    ("避免群众损失3.5亿元。", 350_000_000.0, "元", "losses_avoided"),
    ("为群众避免经济损失2000余万元。", 20_000_000.0, "元", "losses_avoided"),
    ("追缴赃款300万元并发还受害人。", 3_000_000.0, "元", "funds_returned"),
    ("警方成功攔截詐騙款項3.2億港元。", 320_000_000.0, "元", "funds_stopped"),
    ("銀行協助圈存詐騙款項新臺幣1.2億元。", 120_000_000.0, "元", "funds_frozen"),
    ("凍結涉案帳戶資金4,200萬港元。", 42_000_000.0, "元", "funds_frozen"),
    ("今年止付金額達8,000萬元。", 80_000_000.0, "元", "funds_stopped"),
    ("為民眾挽回損失2,300萬元。", 23_000_000.0, "元", "funds_returned"),
    ("返還被害人款項500萬元。", 5_000_000.0, "元", "funds_returned"),
    ("司警局成功攔截可疑匯款1,100萬澳門元。", 11_000_000.0, "元", "funds_stopped"),
    ("民眾財損金額達3.2億元。", 320_000_000.0, "元", "other"),
    // Money with no 元.
    ("全市冻结涉案资金3000万。", 30_000_000.0, "元", "funds_frozen"),
    ("共为群众挽回损失500余万。", 5_000_000.0, "元", "funds_returned"),
    ("该案涉案金额1.2亿。", 120_000_000.0, "元", "other"),
    ("民警及时冻结1.2亿资金。", 120_000_000.0, "元", "funds_frozen"),
    ("为群众挽回3000万损失。", 30_000_000.0, "元", "funds_returned"),
    ("该团伙涉及1.2亿资金流水。", 120_000_000.0, "元", "other"),
    // Passive markers.
    ("被冻结的涉案资金达2800万元。", 28_000_000.0, "元", "funds_frozen"),
    ("涉案资金被冻结1500万元。", 15_000_000.0, "元", "funds_frozen"),
    ("已被止付的涉案资金共计5600万元。", 56_000_000.0, "元", "funds_stopped"),
    ("全市被骗群众达1.5万人。", 15_000.0, "人", "other"),
    ("遭诈骗的群众共1200人。", 1_200.0, "人", "other"),
    // Topic clauses bind a later figure.
    ("在资金拦截上，全年共拦截涉诈资金3.6亿元。", 360_000_000.0, "元", "funds_stopped"),
    ("涉案资金方面，冻结3200万元，返还1100万元。", 32_000_000.0, "元", "funds_frozen"),
    ("涉案资金方面，冻结3200万元，返还1100万元。", 11_000_000.0, "元", "funds_returned"),
    ("资金止付方面，全年共计2.3亿元。", 230_000_000.0, "元", "funds_stopped"),
    ("在资金冻结方面，累计达3.1亿元。", 310_000_000.0, "元", "funds_frozen"),
    ("在预警劝阻方面，推送预警指令6.2万条，劝阻群众1.8万人。", 62_000.0, "条", "warnings_issued"),
    ("在预警劝阻方面，推送预警指令6.2万条，劝阻群众1.8万人。", 18_000.0, "人", "people_protected"),
    ("止付、冻结涉案资金分别为2.1亿元、1.3亿元。", 210_000_000.0, "元", "funds_stopped"),
    ("止付、冻结涉案资金分别为2.1亿元、1.3亿元。", 130_000_000.0, "元", "funds_frozen"),
    // Lists: each item its own metric.
    ("打掉犯罪团伙12个，抓获犯罪嫌疑人156名。", 12.0, "个", "gangs_busted"),
    ("打掉犯罪团伙12个，抓获犯罪嫌疑人156名。", 156.0, "名", "suspects_arrested"),
    ("打掉诈骗团伙23个，抓获86名，其中主犯12名。", 23.0, "个", "gangs_busted"),
    ("打掉诈骗团伙23个，抓获86名，其中主犯12名。", 86.0, "名", "suspects_arrested"),
    ("打掉诈骗团伙23个，抓获86名，其中主犯12名。", 12.0, "名", "suspects_arrested"),
    ("捣毁窝点8处，抓获嫌疑人45名。", 8.0, "处", "dens_destroyed"),
    ("捣毁窝点8处，抓获嫌疑人45名。", 45.0, "名", "suspects_arrested"),
    ("打掉团伙5个、窝点12处，抓获犯罪嫌疑人200余名。", 5.0, "个", "gangs_busted"),
    ("打掉团伙5个、窝点12处，抓获犯罪嫌疑人200余名。", 12.0, "处", "dens_destroyed"),
    ("打掉团伙5个、窝点12处，抓获犯罪嫌疑人200余名。", 200.0, "名", "suspects_arrested"),
    ("抓获犯罪嫌疑人320名，其中境外回流人员45名。", 45.0, "名", "suspects_arrested"),
    ("抓获犯罪嫌疑人86人，刑事拘留72人。", 72.0, "人", "suspects_arrested"),
    ("破获案件120起，打掉团伙15个，抓获犯罪嫌疑人380名。", 15.0, "个", "gangs_busted"),
    ("打掉犯罪团伙8个，抓获团伙成员96人。", 96.0, "人", "suspects_arrested"),
    ("摧毁诈骗集团3个，拘捕成员42人。", 3.0, "个", "gangs_busted"),
    ("警方拘捕32名男女。", 32.0, "名", "suspects_arrested"),
    ("破獲詐騙集團12個，拘捕86人。", 12.0, "个", "gangs_busted"),
    ("破獲詐騙集團12個，拘捕86人。", 86.0, "人", "suspects_arrested"),
    ("警方瓦解3個詐騙集團，拘捕27人。", 3.0, "个", "gangs_busted"),
    ("警方瓦解3個詐騙集團，拘捕27人。", 27.0, "人", "suspects_arrested"),
    ("共查獲詐欺集團56團、犯嫌412人。", 412.0, "人", "suspects_arrested"),
    ("警方共拘捕21名涉案人士。", 21.0, "名", "suspects_arrested"),
    // Blocking, removals and other actions.
    ("拦截诈骗电话1.2亿次。", 120_000_000.0, "次", "calls_blocked"),
    ("拦截诈骗短信3.5亿条。", 350_000_000.0, "条", "sms_blocked"),
    ("封堵涉诈网址域名12万个。", 120_000.0, "个", "sites_blocked"),
    ("清理涉诈账号3.6万个。", 36_000.0, "个", "accounts_removed"),
    ("攔截詐騙電話2,300萬通。", 23_000_000.0, "通", "calls_blocked"),
    ("攔截可疑簡訊1.2億則。", 120_000_000.0, "则", "sms_blocked"),
    ("暂停可疑交易1.5万笔。", 15_000.0, "笔", "transactions_suspended"),
    ("从境外遣返犯罪嫌疑人120名。", 120.0, "名", "suspects_repatriated"),
    ("依法惩戒两卡人员360名。", 360.0, "名", "card_offenders_punished"),
    ("先后发起全国集群战役12次。", 12.0, "次", "operations_launched"),
    ("拦截涉诈出境人员360人。", 360.0, "人", "outbound_intercepted"),
    // Harder phrasings: figure before its noun, long lists, mixed items.
    ("全年共发出各类预警3.2万条。", 32_000.0, "条", "warnings_issued"),
    // People warned, counted as people (GUIDE: `people warned … N人/人次`
    // are people_protected; messages, `预警指令…条`, are warnings_issued).
    ("全市共预警潜在受害群众3.6万人次。", 36_000.0, "人次", "people_protected"),
    ("下发预警指令5600余条，劝阻群众5200余人。", 5_200.0, "人", "people_protected"),
    ("下发预警指令5600余条，劝阻群众5200余人。", 5_600.0, "条", "warnings_issued"),
    ("向市民發出超過3,000次防騙警示。", 3_000.0, "次", "warnings_issued"),
    ("發出預警1.2萬次。", 12_000.0, "次", "warnings_issued"),
    ("共劝阻4200人次，其中预警劝阻3100人次。", 3_100.0, "人次", "people_protected"),
    ("案件数量同比下降26.7%，财产损失同比下降31.2%。", 26.7, "%", "cases_reported"),
    ("案件数量同比下降26.7%，财产损失同比下降31.2%。", 31.2, "%", "other"),
    ("电诈案件发案数、损失数同比分别下降21.3%、18.5%。", 21.3, "%", "cases_reported"),
    ("电诈案件发案数、损失数同比分别下降21.3%、18.5%。", 18.5, "%", "other"),
    (
        "全市电信网络诈骗立案数同比下降15.6%，破案数同比上升8.2%，抓获人数同比上升22.1%。",
        15.6,
        "%",
        "cases_reported",
    ),
    (
        "全市电信网络诈骗立案数同比下降15.6%，破案数同比上升8.2%，抓获人数同比上升22.1%。",
        8.2,
        "%",
        "cases_solved",
    ),
    (
        "全市电信网络诈骗立案数同比下降15.6%，破案数同比上升8.2%，抓获人数同比上升22.1%。",
        22.1,
        "%",
        "suspects_arrested",
    ),
    ("電騙案按年上升4.6%。", 4.6, "%", "cases_reported"),
    ("今年首季詐騙案較去年同期上升12%。", 12.0, "%", "cases_reported"),
    ("涉詐案件發生數較去年同期減少12.3%。", 12.3, "%", "cases_reported"),
    ("去年騙案宗數按年上升8.2%。", 8.2, "%", "cases_reported"),
    ("騙案損失金額按年下跌12%。", 12.0, "%", "other"),
    ("累计止付涉案资金1.2亿元，冻结8000万元，返还群众被骗资金560万元。", 80_000_000.0, "元", "funds_frozen"),
    ("累计止付涉案资金1.2亿元，冻结8000万元，返还群众被骗资金560万元。", 5_600_000.0, "元", "funds_returned"),
    ("成功拦截被骗资金1200余万元。", 12_000_000.0, "元", "funds_stopped"),
    ("帮助群众避免损失1.2亿元，挽回损失3000万元。", 120_000_000.0, "元", "losses_avoided"),
    ("帮助群众避免损失1.2亿元，挽回损失3000万元。", 30_000_000.0, "元", "funds_returned"),
    ("避免群众被骗损失4.2亿元。", 420_000_000.0, "元", "losses_avoided"),
    ("成功阻止群众损失2300万元。", 23_000_000.0, "元", "losses_avoided"),
    ("成功截停款項逾1.2億港元。", 120_000_000.0, "元", "funds_stopped"),
    ("警方凍結約3,200萬港元贓款。", 32_000_000.0, "元", "funds_frozen"),
    ("警示帳戶圈存金額3億元。", 300_000_000.0, "元", "funds_frozen"),
    ("金融機構成功攔阻民眾遭詐款項1,200萬元。", 12_000_000.0, "元", "funds_stopped"),
    ("成功勸退可疑匯款1,100萬澳門元。", 11_000_000.0, "元", "losses_avoided"),
    ("攔截詐騙金額達5.6億元。", 560_000_000.0, "元", "funds_stopped"),
    ("先后打掉23个犯罪团伙，抓获86名犯罪嫌疑人。", 23.0, "个", "gangs_busted"),
    ("先后打掉23个犯罪团伙，抓获86名犯罪嫌疑人。", 86.0, "名", "suspects_arrested"),
    ("抓获犯罪嫌疑人156名，其中刑事拘留120名、取保候审36名。", 36.0, "名", "suspects_arrested"),
    ("打掉涉诈团伙32个，抓获涉案人员210人，其中两卡人员68人。", 210.0, "人", "suspects_arrested"),
    ("打掉涉诈团伙32个，抓获涉案人员210人，其中两卡人员68人。", 68.0, "人", "suspects_arrested"),
    ("打击电诈团伙12个、抓获嫌疑人90名。", 90.0, "名", "suspects_arrested"),
    ("抓获涉案人员412人，打掉团伙32个。", 32.0, "个", "gangs_busted"),
    // GUIDE: 逮捕 / 批捕 counts are other.
    ("依法刑拘128人，逮捕96人。", 96.0, "人", "other"),
    ("警方拘捕25名男子及8名女子。", 8.0, "名", "suspects_arrested"),
    ("查獲詐欺集團12個、車手45人。", 45.0, "人", "suspects_arrested"),
    ("查獲詐欺集團12個、車手45人。", 12.0, "个", "gangs_busted"),
    ("偵破詐欺集團56團，查獲犯嫌412人。", 56.0, "团", "gangs_busted"),
    ("冻结涉案资金3000万，返还860万。", 8_600_000.0, "元", "funds_returned"),
    ("追回赃款200余万。", 2_000_000.0, "元", "funds_returned"),
    ("止付5600万，冻结3200万。", 56_000_000.0, "元", "funds_stopped"),
    ("止付5600万，冻结3200万。", 32_000_000.0, "元", "funds_frozen"),
    ("避免损失1.2亿。", 120_000_000.0, "元", "losses_avoided"),
    ("为群众挽回1200余万经济损失。", 12_000_000.0, "元", "funds_returned"),
    ("1200万元资金被成功冻结。", 12_000_000.0, "元", "funds_frozen"),
    ("已有3200万元被返还给受害人。", 32_000_000.0, "元", "funds_returned"),
    ("被拦截的诈骗电话达1.2亿次。", 120_000_000.0, "次", "calls_blocked"),
    ("有156名犯罪嫌疑人被抓获。", 156.0, "名", "suspects_arrested"),
    ("被騙金額達1.2億元。", 120_000_000.0, "元", "other"),
    ("预警劝阻方面，共推送预警指令6.2万条。", 62_000.0, "条", "warnings_issued"),
    ("资金拦截方面，全年累计2.3亿元。", 230_000_000.0, "元", "funds_stopped"),
    ("在资金止付上，共计5600万元；在资金冻结上，共计3200万元。", 56_000_000.0, "元", "funds_stopped"),
    ("在资金止付上，共计5600万元；在资金冻结上，共计3200万元。", 32_000_000.0, "元", "funds_frozen"),
    ("资金返还上，全年共860万元。", 8_600_000.0, "元", "funds_returned"),
    ("今年1至10月詐欺案件發生3,215件。", 3_215.0, "件", "cases_reported"),
    ("去年全年受理詐欺案3萬件，財損125億元。", 30_000.0, "件", "cases_reported"),
    ("去年全年受理詐欺案3萬件，財損125億元。", 12_500_000_000.0, "元", "other"),
    ("司警局去年共開立詐騙案1,200宗，涉款1.2億澳門元。", 1_200.0, "宗", "cases_reported"),
    ("司警局去年共開立詐騙案1,200宗，涉款1.2億澳門元。", 120_000_000.0, "元", "other"),
    // Passive and 将 constructions: the verb after the figure governs it.
    ("民警将1200万元被骗资金返还受害人。", 12_000_000.0, "元", "funds_returned"),
    ("警方将涉案资金3000万元依法冻结。", 30_000_000.0, "元", "funds_frozen"),
    ("专案组把860万元赃款发还群众。", 8_600_000.0, "元", "funds_returned"),
    ("涉案账户内3000万元资金遭冻结。", 30_000_000.0, "元", "funds_frozen"),
    ("已有2,300萬港元款項被截停。", 23_000_000.0, "元", "funds_stopped"),
    // A list in one clause, changes joined by 、.
    ("发案同比下降21.3%、损失同比下降18%。", 21.3, "%", "cases_reported"),
    ("发案同比下降21.3%、损失同比下降18%。", 18.0, "%", "other"),
    ("抓获犯罪嫌疑人156名、团伙12个。", 12.0, "个", "gangs_busted"),
    ("抓获犯罪嫌疑人156名、团伙12个。", 156.0, "名", "suspects_arrested"),
    ("冻结涉案资金1.2亿元、银行卡320张。", 120_000_000.0, "元", "funds_frozen"),
    ("冻结涉案资金1.2亿元、银行卡320张。", 320.0, "张", "other"),
    ("止付涉案资金2.1亿元；冻结1.3亿元；返还860万元。", 130_000_000.0, "元", "funds_frozen"),
    ("止付涉案资金2.1亿元；冻结1.3亿元；返还860万元。", 8_600_000.0, "元", "funds_returned"),
    ("发出预警并成功劝阻群众1200人。", 1_200.0, "人", "people_protected"),
    ("破获案件120起，其中电诈案件80起。", 80.0, "起", "cases_solved"),
    ("全市电诈发案数量环比下降12%。", 12.0, "%", "cases_reported"),
    ("警方截停約1.5億港元。", 150_000_000.0, "元", "funds_stopped"),
    ("查緝詐欺車手1,200人。", 1_200.0, "人", "suspects_arrested"),
    ("今年受理詐騙案件2.1萬件，較去年同期減少15%。", 15.0, "%", "cases_reported"),
    // A topic clause rules a metric out as well as in.
    ("攔阻詐騙案件部分，今年共有120件、3,200萬元。", 120.0, "件", "other"),
    ("攔阻詐騙案件部分，今年共有120件、3,200萬元。", 32_000_000.0, "元", "funds_stopped"),
    ("資金攔截部分，全年達1.2億元。", 120_000_000.0, "元", "funds_stopped"),
    ("冻结资金方面，截至目前累计2300万元，同比上升15%。", 23_000_000.0, "元", "funds_frozen"),
    ("冻结资金方面，截至目前累计2300万元，同比上升15%。", 15.0, "%", "funds_frozen"),
    // Long releases: every item of a run-on sentence its own metric.
    ("今年以来，全市公安机关共破获电信网络诈骗案件1523起，抓获犯罪嫌疑人2016名，打掉犯罪团伙86个，止付冻结涉案资金1.2亿元，为群众挽回经济损失3600余万元。", 1_523.0, "起", "cases_solved"),
    ("今年以来，全市公安机关共破获电信网络诈骗案件1523起，抓获犯罪嫌疑人2016名，打掉犯罪团伙86个，止付冻结涉案资金1.2亿元，为群众挽回经济损失3600余万元。", 2_016.0, "名", "suspects_arrested"),
    ("今年以来，全市公安机关共破获电信网络诈骗案件1523起，抓获犯罪嫌疑人2016名，打掉犯罪团伙86个，止付冻结涉案资金1.2亿元，为群众挽回经济损失3600余万元。", 86.0, "个", "gangs_busted"),
    ("今年以来，全市公安机关共破获电信网络诈骗案件1523起，抓获犯罪嫌疑人2016名，打掉犯罪团伙86个，止付冻结涉案资金1.2亿元，为群众挽回经济损失3600余万元。", 120_000_000.0, "元", "funds_frozen"),
    ("今年以来，全市公安机关共破获电信网络诈骗案件1523起，抓获犯罪嫌疑人2016名，打掉犯罪团伙86个，止付冻结涉案资金1.2亿元，为群众挽回经济损失3600余万元。", 36_000_000.0, "元", "funds_returned"),
    ("警方今年首十個月共錄得32,000宗詐騙案，按年上升8.6%，損失金額達47億港元，當中網上購物騙案佔9,200宗。", 32_000.0, "宗", "cases_reported"),
    ("警方今年首十個月共錄得32,000宗詐騙案，按年上升8.6%，損失金額達47億港元，當中網上購物騙案佔9,200宗。", 8.6, "%", "cases_reported"),
    ("警方今年首十個月共錄得32,000宗詐騙案，按年上升8.6%，損失金額達47億港元，當中網上購物騙案佔9,200宗。", 4_700_000_000.0, "元", "other"),
    ("警方今年首十個月共錄得32,000宗詐騙案，按年上升8.6%，損失金額達47億港元，當中網上購物騙案佔9,200宗。", 9_200.0, "宗", "cases_reported"),
    ("全市电信网络诈骗发案数、造成损失数同比分别下降21.3%、26.5%。", 21.3, "%", "cases_reported"),
    ("全市电信网络诈骗发案数、造成损失数同比分别下降21.3%、26.5%。", 26.5, "%", "other"),
    ("全省共接报电信网络诈骗警情3260起，同比下降18.7%，造成群众损失4500万元，同比下降22.3%。", 18.7, "%", "cases_reported"),
    ("全省共接报电信网络诈骗警情3260起，同比下降18.7%，造成群众损失4500万元，同比下降22.3%。", 22.3, "%", "other"),
    ("全省共接报电信网络诈骗警情3260起，同比下降18.7%，造成群众损失4500万元，同比下降22.3%。", 45_000_000.0, "元", "other"),
    ("推送预警指令2.3万条，预警劝阻群众1.9万人次，劝阻率达98%。", 19_000.0, "人次", "people_protected"),
    ("推送预警指令2.3万条，预警劝阻群众1.9万人次，劝阻率达98%。", 98.0, "%", "other"),
    ("民警上门劝阻1200余人次，发送预警短信5.6万条，拨打预警电话3.2万次。", 56_000.0, "条", "warnings_issued"),
    ("民警上门劝阻1200余人次，发送预警短信5.6万条，拨打预警电话3.2万次。", 32_000.0, "次", "warnings_issued"),
    ("打掉犯罪团伙3个，抓获犯罪嫌疑人42名（其中主犯5名），冻结涉案资金860万元。", 5.0, "名", "suspects_arrested"),
    ("打掉犯罪团伙3个，抓获犯罪嫌疑人42名（其中主犯5名），冻结涉案资金860万元。", 8_600_000.0, "元", "funds_frozen"),
    ("警方截停約5.1億港元的款項，並成功阻止1,200宗騙案。", 510_000_000.0, "元", "funds_stopped"),
    ("警方截停約5.1億港元的款項，並成功阻止1,200宗騙案。", 1_200.0, "宗", "people_protected"),
    ("今年1至10月共受理詐欺案件2萬1,345件，財損金額達新臺幣89億元。", 21_345.0, "件", "cases_reported"),
    ("今年1至10月共受理詐欺案件2萬1,345件，財損金額達新臺幣89億元。", 8_900_000_000.0, "元", "other"),
    ("警方共查獲詐欺犯嫌1,235人，並查扣不法所得3,200萬元。", 1_235.0, "人", "suspects_arrested"),
    ("警方共查獲詐欺犯嫌1,235人，並查扣不法所得3,200萬元。", 32_000_000.0, "元", "other"),
    ("金融機構成功攔阻詐騙5,321件，攔阻金額達新臺幣20億元。", 5_321.0, "件", "other"),
    ("金融機構成功攔阻詐騙5,321件，攔阻金額達新臺幣20億元。", 2_000_000_000.0, "元", "funds_stopped"),
    ("成功勸阻23名市民免受詐騙，避免損失約350萬澳門元。", 23.0, "名", "people_protected"),
    ("成功勸阻23名市民免受詐騙，避免損失約350萬澳門元。", 3_500_000.0, "元", "losses_avoided"),
    ("全年拦截诈骗电话320万次、诈骗短信560万条，处置涉诈域名网址1.2万个。", 3_200_000.0, "次", "calls_blocked"),
    ("全年拦截诈骗电话320万次、诈骗短信560万条，处置涉诈域名网址1.2万个。", 5_600_000.0, "条", "sms_blocked"),
    ("全年拦截诈骗电话320万次、诈骗短信560万条，处置涉诈域名网址1.2万个。", 12_000.0, "个", "sites_blocked"),
    ("累计清理涉诈电话卡1.2万张、封停涉诈账号8600个。", 8_600.0, "个", "accounts_removed"),
    ("共劝返境外涉诈人员560人，遣返犯罪嫌疑人120名。", 560.0, "人", "suspects_repatriated"),
    ("依法对2300余名涉两卡人员实施联合惩戒。", 2_300.0, "名", "card_offenders_punished"),
    ("民警对1200名群众进行了预警劝阻。", 1_200.0, "名", "people_protected"),
    ("成功为85宗个案冻结超过9800万港元。", 85.0, "宗", "other"),
    ("成功为85宗个案冻结超过9800万港元。", 98_000_000.0, "元", "funds_frozen"),
    // Warnings against people, cases in other wordings, Taiwan shorthand.
    ("今年共预警1.2万人次，劝阻成功9800人次。", 12_000.0, "人次", "people_protected"),
    ("今年共预警1.2万人次，劝阻成功9800人次。", 9_800.0, "人次", "people_protected"),
    ("发出预警信息3.2万余条，涉及群众2.1万人。", 21_000.0, "人", "other"),
    ("今年共发生电信网络诈骗案件1200起。", 1_200.0, "起", "cases_reported"),
    ("全市公安机关侦办电诈案件120起。", 120.0, "起", "cases_solved"),
    ("全市电诈案件破案率同比上升12%。", 12.0, "%", "other"),
    ("查獲詐欺集團84個，計1,024人。", 84.0, "个", "gangs_busted"),
    ("查獲詐欺集團84個，計1,024人。", 1_024.0, "人", "suspects_arrested"),
    ("3名男子遭警方拘捕。", 3.0, "名", "suspects_arrested"),
    ("警方起出5000萬贓款。", 50_000_000.0, "元", "other"),
    ("今年詐欺案件數年減12.3%。", 12.3, "%", "cases_reported"),
    ("詐騙財損年增5.2%。", 5.2, "%", "other"),
    ("金融機構攔阻民眾受騙1,200人次。", 1_200.0, "人次", "people_protected"),
    ("劝阻骗案120宗。", 120.0, "宗", "people_protected"),
    ("追赃挽损1.2亿元。", 120_000_000.0, "元", "funds_returned"),
    ("紧急止付、冻结涉案资金2.3亿元。", 230_000_000.0, "元", "funds_frozen"),
    ("成功阻止28名群众出境。", 28.0, "名", "outbound_intercepted"),
    // Lists resolved by 分别, subsets by 包括, topics before a colon.
    ("共破获案件、抓获犯罪嫌疑人、打掉团伙分别为120起、156名、12个。", 120.0, "起", "cases_solved"),
    ("共破获案件、抓获犯罪嫌疑人、打掉团伙分别为120起、156名、12个。", 156.0, "名", "suspects_arrested"),
    ("共破获案件、抓获犯罪嫌疑人、打掉团伙分别为120起、156名、12个。", 12.0, "个", "gangs_busted"),
    ("破获案件和抓获嫌疑人数分别同比上升12%和25%。", 12.0, "%", "cases_solved"),
    ("破获案件和抓获嫌疑人数分别同比上升12%和25%。", 25.0, "%", "suspects_arrested"),
    ("冻结、返还资金分别达1.2亿元和3000万元。", 120_000_000.0, "元", "funds_frozen"),
    ("冻结、返还资金分别达1.2亿元和3000万元。", 30_000_000.0, "元", "funds_returned"),
    ("警方拘捕了120人，包括主腦12人。", 12.0, "人", "suspects_arrested"),
    ("资金拦截方面：全年共计2.3亿元。", 230_000_000.0, "元", "funds_stopped"),
    ("預警勸阻方面，全年共發出預警2.1萬次、勸阻市民8,600人。", 21_000.0, "次", "warnings_issued"),
    ("預警勸阻方面，全年共發出預警2.1萬次、勸阻市民8,600人。", 8_600.0, "人", "people_protected"),
    // Cases whose money was stopped are no reported cases.
    ("成功截停390宗個案的款項，涉及金額3.1億港元。", 390.0, "宗", "other"),
    ("成功截停390宗個案的款項，涉及金額3.1億港元。", 310_000_000.0, "元", "funds_stopped"),
    ("已止付120起案件的涉案资金。", 120.0, "起", "other"),
    ("涉案资金2.3亿余。", 230_000_000.0, "元", "other"),
    ("已有2.3亿元涉案资金被依法冻结。", 230_000_000.0, "元", "funds_frozen"),
    ("為受害人追回款項逾450萬港元。", 4_500_000.0, "元", "funds_returned"),
    ("新加坡警方去年共接獲5.1萬起詐騙案，損失總額達11億新元。", 51_000.0, "起", "cases_reported"),
    ("新加坡警方去年共接獲5.1萬起詐騙案，損失總額達11億新元。", 1_100_000_000.0, "元", "other"),
    // A verb after the figure: its own, a passive opening the next clause,
    // or one qualifying the money noun.
    ("北京警方舉行返還活動，有30人領回約1,200萬元被騙資金。", 30.0, "人", "other"),
    ("北京警方舉行返還活動，有30人領回約1,200萬元被騙資金。", 12_000_000.0, "元", "funds_returned"),
    ("9名受害人现场领取了共计86万元涉诈返还资金。", 860_000.0, "元", "funds_returned"),
    ("警方相信他與另外3宗同類案件有關。", 3.0, "宗", "other"),
    ("又有320名涉詐犯罪嫌疑人，被我公安機關從柬埔寨押解回國。", 320.0, "名", "suspects_repatriated"),
    // Subsets after 其中, people spared after 免于/免受.
    ("抓获犯罪嫌疑人320名，其中涉两卡犯罪186名。", 186.0, "名", "suspects_arrested"),
    ("抓获犯罪嫌疑人320名，其中批捕126名。", 126.0, "名", "other"),
    ("破获案件120起，其中涉案金额百万元以上案件12起。", 12.0, "起", "cases_solved"),
    ("今年以来共使1.2万名群众免于被骗。", 12_000.0, "名", "people_protected"),
    ("全年有3,200名市民免受詐騙。", 3_200.0, "名", "people_protected"),
    // Hong Kong, Macau and Taiwan dashboards.
    ("警方今年上半年共拘捕1,580人，較去年同期上升12%。", 1_580.0, "人", "suspects_arrested"),
    ("警方今年上半年共拘捕1,580人，較去年同期上升12%。", 12.0, "%", "suspects_arrested"),
    ("詐騙案損失金額達29億港元，按年下跌3.2%。", 3.2, "%", "other"),
    ("網上購物騙案有9,200宗，按年上升15%。", 15.0, "%", "cases_reported"),
    ("司警局共拘捕57人，並移送檢察院。", 57.0, "人", "suspects_arrested"),
    ("今年截至9月，反詐騙協調中心共截停約6億港元款項。", 600_000_000.0, "元", "funds_stopped"),
    ("刑事局破獲詐欺集團共1,245件，查獲嫌犯6,543人。", 1_245.0, "件", "gangs_busted"),
    ("刑事局破獲詐欺集團共1,245件，查獲嫌犯6,543人。", 6_543.0, "人", "suspects_arrested"),
    ("反詐騙諮詢專線今年受理民眾諮詢3.2萬件。", 32_000.0, "件", "other"),
    ("詐騙案件受理數較去年同期減少1,234件，降幅9.8%。", 1_234.0, "件", "cases_reported"),
    ("詐騙案件受理數較去年同期減少1,234件，降幅9.8%。", 9.8, "%", "cases_reported"),
    ("共攔阻詐騙金額新臺幣12億元，攔阻件數2,345件。", 2_345.0, "件", "other"),
    ("截至10月底，共凍結涉詐帳戶1.2萬個。", 12_000.0, "个", "other"),
    // Money verbs: losses spared, money recovered, payment stopped.
    ("反诈中心及时拦截市民损失300余万元。", 3_000_000.0, "元", "losses_avoided"),
    ("民警劝阻拦截金额达80万元。", 800_000.0, "元", "losses_avoided"),
    ("民警帮助事主保住卡内存款12万元。", 120_000.0, "元", "losses_avoided"),
    ("警方協助阻止了3,000萬港元資金流失。", 30_000_000.0, "元", "losses_avoided"),
    ("警方今年共起回被騙款項4,200萬港元。", 42_000_000.0, "元", "funds_returned"),
    ("分局向受害人返还冻结资金共56万元。", 560_000.0, "元", "funds_returned"),
    ("民警联系银行停止支付涉案资金35万元。", 350_000.0, "元", "funds_stopped"),
    // Victims next to an arrest are not the arrested; swindlers caught are.
    ("警方拘捕8人，案件共涉15名受害人。", 8.0, "人", "suspects_arrested"),
    ("警方拘捕8人，案件共涉15名受害人。", 15.0, "名", "other"),
    ("行動中共有230名騙徒被捕。", 230.0, "名", "suspects_arrested"),
    // Cases tied to suspects or linked into a series are not cases reported.
    ("专案组已串并各地案件150余起。", 150.0, "起", "other"),
    ("省厅挂牌督办3起重大电诈案件。", 3.0, "起", "other"),
    ("长者被骗人数按年下降12.5%。", 12.5, "%", "other"),
    // HK / TW verbs of cases stopped or solved, and operations counted in 起.
    ("警員今年成功制止45宗騙案。", 45.0, "宗", "people_protected"),
    ("今年共發起跨境集中收網行動6起。", 6.0, "起", "operations_launched"),
    // Changes of the arrests count, and changes listed without nouns.
    ("破案数和抓获人数同比分别上升12%和18.5%。", 12.0, "%", "cases_solved"),
    ("破案数和抓获人数同比分别上升12%和18.5%。", 18.5, "%", "suspects_arrested"),
    ("今年全区发案数、损失数同比分别下降31%、22%,环比分别下降14%、9%。", 14.0, "%", "cases_reported"),
    ("今年全区发案数、损失数同比分别下降31%、22%,环比分别下降14%、9%。", 9.0, "%", "other"),
    ("全市共立案电诈案件1200起，比2022年与2021年同期分别下降15%及7%。", 7.0, "%", "cases_reported"),
    // Arrests approved, prosecutions and sentences are not arrests (GUIDE).
    ("检察机关去年批捕电诈犯罪嫌疑人860名。", 860.0, "名", "other"),
    ("市检察院依法起诉涉诈人员1200余人，同比上升40%。", 1_200.0, "人", "other"),
    ("市检察院依法起诉涉诈人员1200余人，同比上升40%。", 40.0, "%", "other"),
    ("法院审结此类案件420件，判处被告人730人。", 730.0, "人", "other"),
    ("法院审结此类案件420件，判处被告人730人。", 420.0, "件", "other"),
    ("专案组抓获犯罪嫌疑人58名，其中依法逮捕41名。", 58.0, "名", "suspects_arrested"),
    ("专案组抓获犯罪嫌疑人58名，其中依法逮捕41名。", 41.0, "名", "other"),
    // Other crime is other; fraud named with it keeps its metric.
    ("同期破获涉毒案件35起，侦破电诈案件410起。", 35.0, "起", "other"),
    ("同期破获涉毒案件35起，侦破电诈案件410起。", 410.0, "起", "cases_solved"),
    ("全县共受理刷单诈骗等侵财犯罪案件1288起。", 1_288.0, "起", "cases_reported"),
    ("全县共受理各类犯罪案件5120起。", 5_120.0, "起", "other"),
    ("其中抢劫案件下降12.5%、家暴案件下降8.1%。", 12.5, "%", "other"),
    // A change takes the metric of the figure it modifies, in lists with
    // or without 分别.
    ("打掉团伙52个、抓获嫌疑人900名，侦破诈骗案件、抓获嫌疑人同比分别上升21%和35%。", 21.0, "%", "cases_solved"),
    ("打掉团伙52个、抓获嫌疑人900名，侦破诈骗案件、抓获嫌疑人同比分别上升21%和35%。", 35.0, "%", "suspects_arrested"),
    ("全区破获电诈案件数、抓获涉诈人员数同比增长8.2%和16.4%。", 8.2, "%", "cases_solved"),
    ("全区破获电诈案件数、抓获涉诈人员数同比增长8.2%和16.4%。", 16.4, "%", "suspects_arrested"),
    ("电诈发案数、案损额同比分别下降25%、19%。", 19.0, "%", "other"),
    ("本季录得网购骗案62宗，比去年同期的50宗高出24%。", 24.0, "%", "cases_reported"),
    ("本季录得网购骗案62宗，上升比率为24%。", 24.0, "%", "cases_reported"),
    // Warnings are messages; people warned or dissuaded are protected.
    ("今年累计预警劝阻320万次。", 3_200_000.0, "次", "people_protected"),
    ("累计拨打电话劝阻4.5万次。", 45_000.0, "次", "warnings_issued"),
    ("反诈中心预警潜在受害人6.3万名。", 63_000.0, "名", "people_protected"),
    ("运营商排查高风险电话卡120万张。", 1_200_000.0, "张", "other"),
    ("上门劝阻1.1万人次，劝阻金额3.6亿元。", 360_000_000.0, "元", "losses_avoided"),
    // Other verbs of the taxonomy.
    ("今年从境外抓回涉诈逃犯37名。", 37.0, "名", "suspects_repatriated"),
    ("银行拦截可疑交易2.4万笔。", 24_000.0, "笔", "transactions_suspended"),
    ("各银行拒绝涉诈可疑交易860万笔。", 8_600_000.0, "笔", "transactions_suspended"),
    ("全市冻结止付涉案资金1.6亿元。", 160_000_000.0, "元", "funds_frozen"),
    ("警銀合作攔阻詐騙案件812件，保住金額5億3千萬元。", 530_000_000.0, "元", "funds_stopped"),
    ("本季核發攔阻獎金126萬元。", 1_260_000.0, "元", "other"),
    ("一名男子欲將800萬元匯往境外帳戶。", 8_000_000.0, "元", "other"),
    ("中心查询涉案账户3.2万个，冻结资金2亿元。", 32_000.0, "个", "other"),
    ("日均拦截诈骗电话2万个;与银行搭建监测模型95个。", 95.0, "个", "other"),
    ("共接获求助来电9,800宗,当中350宗属真实骗案。", 350.0, "宗", "cases_reported"),
    ("共抓获嫌疑人260名;已向1200余名群众返还资金3000万元。", 1_200.0, "名", "other"),
    // Batches X and Z: cases headed off in general are other, scams
    // stopped under way spare their victims; administrative detention and
    // surrender are no arrests; people a passive arrest acts on are.
    ("今年以来避免了46余起电诈案件的发生。", 46.0, "起", "other"),
    ("全年成功预防12000起电信网络诈骗案件。", 12_000.0, "起", "other"),
    ("警方成功勸止進行中的四百二十宗騙案。", 420.0, "宗", "people_protected"),
    ("专项行动中行政拘留23人。", 23.0, "人", "other"),
    ("发布通告后投案自首41名。", 41.0, "名", "other"),
    ("该团伙17人已被警方依法刑事拘留。", 17.0, "人", "suspects_arrested"),
];

#[test]
fn each_phrasing_gets_its_metric() {
    assert!(ROWS.len() >= 80, "the table needs its 80 rows");
    let mut failures = Vec::new();
    for &(text, value, unit, metric) in ROWS {
        let got = extract(text);
        let hit: Vec<&Statistic> = got
            .iter()
            .filter(|s| (s.value - value).abs() <= 1e-9 * value.abs().max(1.0) && s.unit == unit)
            .collect();
        let seen: Vec<String> = got
            .iter()
            .map(|s| format!("{} {} {}", s.value, s.unit, s.metric))
            .collect();
        match hit.as_slice() {
            [s] if s.metric == metric => {}
            _ => failures.push(format!(
                "{text}\n    want {value} {unit} {metric}, got {seen:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows wrong:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn an_unbounded_passive_reach_stops_start_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let dir = std::env::temp_dir().join(format!("fraudstat-metric-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in ["extract-periods.toml", "extract-regions.toml"] {
        std::fs::copy(root.join(name), dir.join(name)).expect("copy sibling");
    }
    let lexicon = std::fs::read_to_string(root.join("lexicon.toml")).expect("lexicon");
    assert!(
        lexicon.contains("passive_reach = 12"),
        "the shipped reach moved"
    );
    for bad in ["passive_reach = 0", "passive_reach = 500"] {
        std::fs::write(
            dir.join("lexicon.toml"),
            lexicon.replace("passive_reach = 12", bad),
        )
        .expect("write");
        let err = Extractor::from_file(&dir.join("lexicon.toml")).expect_err(bad);
        assert!(err.to_string().contains("passive_reach"), "{err}");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}
