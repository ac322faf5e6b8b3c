//! Chinese-looking names and texts: company names from a place, a two-character brand and an
//! industry word; people's names from common surnames and given-name characters; titles of
//! credit events and sentiment items from templates. All invented: any likeness to a real
//! company or person is chance.

use super::rng::{self, Rng};

/// Characters that brands of small Chinese companies are commonly made of.
const BRAND: &[&str] = &[
    "云", "禾", "优", "品", "鑫", "盛", "华", "泰", "锦", "悦", "嘉", "恒", "瑞", "丰", "源", "通",
    "达", "佳", "美", "汇", "鸿", "博", "创", "新", "兴", "益", "康", "乐", "安", "宏", "旺", "隆",
    "德", "诚", "信", "和", "亿", "百", "千", "星", "月", "光", "晨", "青", "绿", "蓝", "橙", "森",
    "林", "海", "川", "山", "石", "田", "米", "麦", "茶", "竹", "梅", "兰", "桔", "柚", "果", "蜂",
    "鹿", "熊", "贝", "宝", "童", "趣", "享", "选", "臻", "雅", "尚", "潮", "酷", "飞", "跃", "启",
    "航", "拓", "领", "卓", "越", "融", "易", "网", "家", "味", "鲜", "农", "织", "衣", "靓", "萌",
];

/// The most common surnames, most frequent first; drawn with falling weights.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
    "任", "卢", "姚", "沈", "钟", "姜", "崔", "谭", "陆", "范", "汪", "廖", "石", "金", "韦", "贾",
    "夏", "付", "方", "邹", "熊", "白", "孟", "秦", "邱", "侯", "江", "尹", "薛", "段", "雷", "龙",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "英", "华", "玉", "萍", "红", "文", "辉", "建", "国", "晓", "俊",
    "鹏", "宇", "浩", "婷", "雪", "琳", "欣", "怡", "梓", "轩", "子", "涵", "佳", "慧", "斌", "凯",
    "丹", "宁", "波", "亮", "飞", "燕", "莉", "倩", "峰", "晨", "阳", "志", "海", "东", "春", "林",
];

/// The legal forms, with how often they occur among e-commerce firms.
const FORMS: &[(&str, f64)] = &[
    ("有限公司", 0.80),
    ("有限责任公司", 0.12),
    ("股份有限公司", 0.03),
    ("贸易商行", 0.05),
];

pub fn brand(r: &mut Rng) -> String {
    let first = rng::pick(r, BRAND);
    let mut second = rng::pick(r, BRAND);
    while second == first {
        second = rng::pick(r, BRAND);
    }
    format!("{first}{second}")
}

/// `{place}{brand}{industry word}{form}`, e.g. 杭州云禾网络科技有限公司.
pub fn company(r: &mut Rng, place: &str, brand: &str, industry_word: &str) -> String {
    let forms: Vec<f64> = FORMS.iter().map(|(_, w)| *w).collect();
    let (form, _) = FORMS[rng::weighted(r, &forms)];
    format!("{place}{brand}{industry_word}{form}")
}

pub fn person(r: &mut Rng) -> String {
    // Zipf-like weights: the top surnames are far more common.
    let weights: &[f64] = surname_weights();
    let surname = SURNAMES[rng::weighted(r, weights)];
    let given = if rng::chance(r, 0.7) {
        format!("{}{}", rng::pick(r, GIVEN), rng::pick(r, GIVEN))
    } else {
        rng::pick(r, GIVEN).to_string()
    };
    format!("{surname}{given}")
}

fn surname_weights() -> &'static [f64] {
    static WEIGHTS: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| {
        (0..SURNAMES.len())
            .map(|i| 1.0 / (i as f64 + 3.0))
            .collect()
    })
}

/// Sentiment templates: `{b}` is the brand, `{p}` the place, `{y}` the year. Each has a topic.
pub struct Template {
    pub title: &'static str,
    pub excerpt: &'static str,
    pub topic: &'static str,
}

macro_rules! templates {
    ($($title:literal, $excerpt:literal, $topic:literal;)*) => {
        &[$(Template { title: $title, excerpt: $excerpt, topic: $topic }),*]
    };
}

pub const NEWS_POSITIVE: &[Template] = templates![
    "{b}获评{y}年度{p}诚信经营示范店", "该企业连续多年零重大投诉，获得消费者好评。", "honours";
    "{b}入选{p}电子商务示范企业名单", "评审认为其合规经营、服务优秀。", "honours";
    "{b}品质过硬，获平台优选推荐", "抽检全部合格，正品保障获消费者信赖。", "product quality";
    "{b}线上销售快速增长", "企业销售额同比增长，带动当地就业。", "business";
];
pub const NEWS_NEUTRAL: &[Template] = templates![
    "{b}参加{y}年双十一购物节", "企业负责人介绍了今年的备货与物流安排。", "business";
    "{b}发布新品牌战略", "公司表示将继续深耕线上渠道。", "business";
    "{p}电商企业座谈会召开，{b}等企业参加", "会议讨论了行业发展与服务规范。", "business";
];
pub const NEWS_NEGATIVE: &[Template] = templates![
    "{b}被曝销售假货", "多名消费者反映收到的商品疑似假冒，平台已介入调查。", "product quality";
    "{b}直播带货涉嫌虚假宣传", "主播夸大产品功效，市场监管部门已受理举报。", "marketing";
    "{b}拖欠供应商货款", "多家供应商称账款逾期数月未付。", "payment";
    "{b}产品抽检不合格遭曝光", "监督抽查发现其销售的产品质量不合格。", "product quality";
];
pub const SOCIAL_POSITIVE: &[Template] = templates![
    "网友点赞{b}售后服务贴心", "退换货处理及时，客服态度好，推荐。", "after-sales";
    "{b}直播间好评如潮", "不少网友表示商品质量好、价格实惠。", "marketing";
];
pub const SOCIAL_NEUTRAL: &[Template] = templates![
    "{b}上新了", "网友讨论新品的款式与价格。", "business";
    "有人买过{b}的东西吗", "网友分享购物体验，评价不一。", "business";
];
pub const SOCIAL_NEGATIVE: &[Template] = templates![
    "{b}客服失联，消费者维权难", "网友称下单后联系不上商家，退款难。", "after-sales";
    "避雷{b}：发货慢还不退款", "多名网友吐槽发货延迟，差评不断。", "delivery";
];
pub const REVIEW_POSITIVE: &[Template] = templates![
    "买家评价：{b}物流快、包装好", "正品，质量很好，满意，推荐购买。", "delivery";
    "买家评价：{b}商品与描述一致", "品质不错，值得信赖。", "product quality";
];
pub const REVIEW_NEUTRAL: &[Template] = templates![
    "买家评价：{b}商品一般", "价格还行，用了几天再看。", "product quality";
];
pub const REVIEW_NEGATIVE: &[Template] = templates![
    "买家评价：{b}质量差，不推荐", "和图片不符，申请退款处理很慢。", "product quality";
    "买家评价：{b}发货太慢", "下单一周才发货，差评。", "delivery";
];
pub const COMPLAINTS: &[Template] = templates![
    "投诉{b}：商品与描述不符，申请退款被拒", "消费者要求退款，商家拒绝处理。", "after-sales";
    "投诉{b}：付款后迟迟不发货", "订单超过承诺时限未发货，联系客服无果。", "delivery";
    "投诉{b}：售后拒绝处理质量问题", "商品存在质量问题，商家拒绝退换。", "product quality";
    "投诉{b}：涉嫌虚假宣传", "商品实际效果与宣传严重不符。", "marketing";
];

/// The news item that follows a serious negative event.
pub fn serious_news(kind: crate::domain::records::CreditEventKind) -> &'static Template {
    use crate::domain::records::CreditEventKind::*;
    const ITEMS: &[Template] = templates![
        "{b}被列入失信被执行人名单", "法院公布的信息显示，该企业拒不履行生效判决，被执行金额较大。", "legal";
        "{b}因违法经营被处以重大行政处罚", "市场监管部门通报其销售假冒伪劣商品，罚款并没收违法所得。", "penalties";
        "{b}被列为重大税收违法失信主体", "税务部门公布其偷税违法事实，已依法处罚。", "penalties";
    ];
    match kind {
        DishonestJudgmentDebtor => &ITEMS[0],
        TaxViolation => &ITEMS[2],
        _ => &ITEMS[1],
    }
}

pub fn fill(text: &str, brand: &str, place: &str, year: i32) -> String {
    text.replace("{b}", brand)
        .replace("{p}", place)
        .replace("{y}", &year.to_string())
}

pub const NEWS_OUTLETS: &[&str] = &[
    "钱江晚报",
    "南方都市报",
    "新京报",
    "澎湃新闻",
    "21世纪经济报道",
    "中国消费者报",
    "每日经济新闻",
    "电商报",
];
pub const SOCIAL_PLATFORMS: &[&str] = &["微博", "抖音", "小红书", "微信公众号", "快手"];
pub const REVIEW_SITES: &[&str] = &["淘宝评价", "京东评价", "拼多多评价", "抖音商城评价"];
pub const COMPLAINT_SITES: &[&str] = &["黑猫投诉", "全国12315平台", "消费保"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sentiment::polarity;

    #[test]
    fn names_look_chinese() {
        let mut r = rng::stream(1, rng::Purpose::Identity, 0);
        let b = brand(&mut r);
        assert_eq!(b.chars().count(), 2);
        let name = company(&mut r, "杭州", &b, "网络科技");
        assert!(name.starts_with("杭州") && name.contains(&b), "{name}");
        let p = person(&mut r);
        assert!((2..=3).contains(&p.chars().count()), "{p}");
    }

    /// The service's own lexicon reads the templates the way they were meant.
    #[test]
    fn templates_carry_their_polarity() {
        for (set, sign) in [
            (NEWS_POSITIVE, 1.0),
            (SOCIAL_POSITIVE, 1.0),
            (REVIEW_POSITIVE, 1.0),
            (NEWS_NEGATIVE, -1.0),
            (SOCIAL_NEGATIVE, -1.0),
            (REVIEW_NEGATIVE, -1.0),
            (COMPLAINTS, -1.0),
            (
                std::slice::from_ref(serious_news(
                    crate::domain::records::CreditEventKind::DishonestJudgmentDebtor,
                )),
                -1.0,
            ),
        ] {
            for t in set {
                let text = format!("{} {}", fill(t.title, "某某", "杭州", 2025), t.excerpt);
                assert!(polarity(&text) * sign > 0.0, "{text}");
            }
        }
    }
}
