//! Where the synthetic enterprises are registered: real GB/T 2260 district and county codes in
//! the provinces where Chinese e-commerce concentrates, with the local authorities that issue
//! their credit events. Weights follow the rough share of online-retail enterprises (Zhejiang and
//! Guangdong first); `rural` marks counties known for Taobao villages.

/// A prefecture-level city (or a municipality) and its city-level authorities.
pub struct City {
    /// Prefix of company names registered there, e.g. 杭州 or 东莞市.
    pub name_prefix: &'static str,
    /// One-character province abbreviation used in court case numbers, e.g. 浙.
    pub province_abbr: &'static str,
    /// The commerce authority that names honours and demonstration enterprises.
    pub commerce: &'static str,
    /// The development and reform commission that runs the credit-commitment system.
    pub credit_office: &'static str,
    pub customs: &'static str,
}

/// A district or county: the region of a registration.
pub struct District {
    /// GB/T 2260 code.
    pub code: &'static str,
    pub city: &'static City,
    /// The name local authorities carry, e.g. 杭州市西湖区 or 义乌市.
    pub local: &'static str,
    /// Two-character abbreviation in document numbers, e.g. 杭西.
    pub abbr: &'static str,
    /// The basic-level court, when its name is not `{local}人民法院`.
    pub court: Option<&'static str>,
    pub weight: f64,
    pub rural: bool,
}

impl District {
    pub fn market_authority(&self) -> String {
        format!("{}市场监督管理局", self.local)
    }

    pub fn court(&self) -> String {
        self.court
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}人民法院", self.local))
    }

    pub fn tax_authority(&self) -> String {
        format!("国家税务总局{}税务局", self.local)
    }
}

macro_rules! city {
    ($id:ident, $prefix:literal, $pa:literal, $commerce:literal, $credit:literal, $customs:literal) => {
        static $id: City = City {
            name_prefix: $prefix,
            province_abbr: $pa,
            commerce: $commerce,
            credit_office: $credit,
            customs: $customs,
        };
    };
}

city!(
    HANGZHOU,
    "杭州",
    "浙",
    "杭州市商务局",
    "杭州市发展和改革委员会",
    "杭州海关"
);
city!(
    NINGBO,
    "宁波",
    "浙",
    "宁波市商务局",
    "宁波市发展和改革委员会",
    "宁波海关"
);
city!(
    WENZHOU,
    "温州",
    "浙",
    "温州市商务局",
    "温州市发展和改革委员会",
    "杭州海关"
);
city!(
    JINHUA,
    "金华",
    "浙",
    "金华市商务局",
    "金华市发展和改革委员会",
    "杭州海关"
);
city!(
    GUANGZHOU,
    "广州",
    "粤",
    "广州市商务局",
    "广州市发展和改革委员会",
    "广州海关"
);
city!(
    SHENZHEN,
    "深圳市",
    "粤",
    "深圳市商务局",
    "深圳市发展和改革委员会",
    "深圳海关"
);
city!(
    DONGGUAN,
    "东莞市",
    "粤",
    "东莞市商务局",
    "东莞市发展和改革局",
    "黄埔海关"
);
city!(
    ZHONGSHAN,
    "中山市",
    "粤",
    "中山市商务局",
    "中山市发展和改革局",
    "拱北海关"
);
city!(
    NANJING,
    "南京",
    "苏",
    "南京市商务局",
    "南京市发展和改革委员会",
    "南京海关"
);
city!(
    SUZHOU,
    "苏州",
    "苏",
    "苏州市商务局",
    "苏州市发展和改革委员会",
    "南京海关"
);
city!(
    XUZHOU,
    "徐州",
    "苏",
    "徐州市商务局",
    "徐州市发展和改革委员会",
    "南京海关"
);
city!(
    SHANGHAI,
    "上海",
    "沪",
    "上海市商务委员会",
    "上海市发展和改革委员会",
    "上海海关"
);
city!(
    BEIJING,
    "北京",
    "京",
    "北京市商务局",
    "北京市发展和改革委员会",
    "北京海关"
);
city!(
    FUZHOU,
    "福州",
    "闽",
    "福州市商务局",
    "福州市发展和改革委员会",
    "福州海关"
);
city!(
    XIAMEN,
    "厦门",
    "闽",
    "厦门市商务局",
    "厦门市发展和改革委员会",
    "厦门海关"
);
city!(
    QUANZHOU,
    "泉州",
    "闽",
    "泉州市商务局",
    "泉州市发展和改革委员会",
    "厦门海关"
);
city!(
    JINAN,
    "济南",
    "鲁",
    "济南市商务局",
    "济南市发展和改革委员会",
    "济南海关"
);
city!(
    QINGDAO,
    "青岛",
    "鲁",
    "青岛市商务局",
    "青岛市发展和改革委员会",
    "青岛海关"
);
city!(
    HEZE,
    "菏泽",
    "鲁",
    "菏泽市商务局",
    "菏泽市发展和改革委员会",
    "济南海关"
);
city!(
    CHENGDU,
    "成都",
    "川",
    "成都市商务局",
    "成都市发展和改革委员会",
    "成都海关"
);
city!(
    WUHAN,
    "武汉",
    "鄂",
    "武汉市商务局",
    "武汉市发展和改革委员会",
    "武汉海关"
);
city!(
    ZHENGZHOU,
    "郑州",
    "豫",
    "郑州市商务局",
    "郑州市发展和改革委员会",
    "郑州海关"
);
city!(
    HEFEI,
    "合肥",
    "皖",
    "合肥市商务局",
    "合肥市发展和改革委员会",
    "合肥海关"
);
city!(
    CHANGSHA,
    "长沙",
    "湘",
    "长沙市商务局",
    "长沙市发展和改革委员会",
    "长沙海关"
);
city!(
    CHONGQING,
    "重庆",
    "渝",
    "重庆市商务委员会",
    "重庆市发展和改革委员会",
    "重庆海关"
);

macro_rules! district {
    ($code:literal, $city:ident, $local:literal, $abbr:literal, $weight:literal) => {
        district!($code, $city, $local, $abbr, $weight, None, false)
    };
    ($code:literal, $city:ident, $local:literal, $abbr:literal, $weight:literal, $court:expr, $rural:literal) => {
        District {
            code: $code,
            city: &$city,
            local: $local,
            abbr: $abbr,
            court: $court,
            weight: $weight,
            rural: $rural,
        }
    };
}

pub static DISTRICTS: &[District] = &[
    district!("330102", HANGZHOU, "杭州市上城区", "杭上", 3.0),
    district!("330105", HANGZHOU, "杭州市拱墅区", "杭拱", 3.0),
    district!("330106", HANGZHOU, "杭州市西湖区", "杭西", 4.0),
    district!("330108", HANGZHOU, "杭州市滨江区", "杭滨", 4.0),
    district!("330109", HANGZHOU, "杭州市萧山区", "杭萧", 3.5),
    district!("330110", HANGZHOU, "杭州市余杭区", "杭余", 5.0),
    district!("330203", NINGBO, "宁波市海曙区", "甬海", 2.0),
    district!("330212", NINGBO, "宁波市鄞州区", "甬鄞", 2.5),
    district!("330302", WENZHOU, "温州市鹿城区", "温鹿", 2.0),
    district!("330782", JINHUA, "义乌市", "义", 6.0),
    district!("330783", JINHUA, "东阳市", "东阳", 1.0, None, true),
    district!("440103", GUANGZHOU, "广州市荔湾区", "穗荔", 2.0),
    district!("440104", GUANGZHOU, "广州市越秀区", "穗越", 2.0),
    district!("440106", GUANGZHOU, "广州市天河区", "穗天", 3.5),
    district!("440111", GUANGZHOU, "广州市白云区", "穗云", 3.5),
    district!("440113", GUANGZHOU, "广州市番禺区", "穗番", 3.0),
    district!("440303", SHENZHEN, "深圳市罗湖区", "深罗", 2.0),
    district!("440304", SHENZHEN, "深圳市福田区", "深福", 3.0),
    district!("440305", SHENZHEN, "深圳市南山区", "深南", 4.0),
    district!("440306", SHENZHEN, "深圳市宝安区", "深宝", 4.0),
    district!("440307", SHENZHEN, "深圳市龙岗区", "深龙", 4.0),
    district!(
        "441900",
        DONGGUAN,
        "东莞市",
        "东",
        3.0,
        Some("东莞市第一人民法院"),
        false
    ),
    district!(
        "442000",
        ZHONGSHAN,
        "中山市",
        "中",
        1.5,
        Some("中山市第一人民法院"),
        false
    ),
    district!("320102", NANJING, "南京市玄武区", "宁玄", 1.5),
    district!("320106", NANJING, "南京市鼓楼区", "宁鼓", 1.5),
    district!("320505", SUZHOU, "苏州市虎丘区", "苏虎", 1.5),
    district!("320506", SUZHOU, "苏州市吴中区", "苏吴", 2.0),
    district!("320508", SUZHOU, "苏州市姑苏区", "苏姑", 1.5),
    district!("320324", XUZHOU, "睢宁县", "睢", 1.5, None, true),
    district!("310101", SHANGHAI, "上海市黄浦区", "沪黄", 1.5),
    district!("310104", SHANGHAI, "上海市徐汇区", "沪徐", 2.0),
    district!("310105", SHANGHAI, "上海市长宁区", "沪长", 2.0),
    district!("310112", SHANGHAI, "上海市闵行区", "沪闵", 2.5),
    district!("310115", SHANGHAI, "上海市浦东新区", "沪浦", 4.0),
    district!("110101", BEIJING, "北京市东城区", "京东城", 1.0),
    district!("110105", BEIJING, "北京市朝阳区", "京朝", 3.0),
    district!("110108", BEIJING, "北京市海淀区", "京海", 2.5),
    district!("350102", FUZHOU, "福州市鼓楼区", "榕鼓", 1.5),
    district!("350203", XIAMEN, "厦门市思明区", "厦思", 1.5),
    district!("350206", XIAMEN, "厦门市湖里区", "厦湖", 1.5),
    district!("350582", QUANZHOU, "晋江市", "晋", 2.0),
    district!("370102", JINAN, "济南市历下区", "济历", 1.0),
    district!("370202", QINGDAO, "青岛市市南区", "青南", 1.0),
    district!("370212", QINGDAO, "青岛市崂山区", "青崂", 1.0),
    district!("371721", HEZE, "曹县", "曹", 2.0, None, true),
    district!("510104", CHENGDU, "成都市锦江区", "蓉锦", 1.5),
    district!("510107", CHENGDU, "成都市武侯区", "蓉武", 1.5),
    district!("420106", WUHAN, "武汉市武昌区", "汉昌", 1.0),
    district!("420111", WUHAN, "武汉市洪山区", "汉洪", 1.5),
    district!("410105", ZHENGZHOU, "郑州市金水区", "郑金", 1.5),
    district!("340104", HEFEI, "合肥市蜀山区", "合蜀", 1.0),
    district!("430104", CHANGSHA, "长沙市岳麓区", "长岳", 1.5),
    district!("500103", CHONGQING, "重庆市渝中区", "渝中", 1.0),
];

/// The name prefix of companies in a district: county-level places (no 区 in the name) use
/// their own name, districts their city's.
pub fn name_prefix(d: &District) -> &'static str {
    if d.local.contains('区') {
        d.city.name_prefix
    } else {
        d.local
    }
}

/// The district weights in table order, for weighted draws.
pub fn weights() -> &'static [f64] {
    static WEIGHTS: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| DISTRICTS.iter().map(|d| d.weight).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::region::check_region_code;

    #[test]
    fn codes_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for d in DISTRICTS {
            check_region_code(d.code).unwrap();
            assert!(seen.insert(d.code), "{} twice", d.code);
            assert!(seen.insert(d.abbr), "abbreviation {} twice", d.abbr);
        }
        assert!(
            DISTRICTS
                .iter()
                .map(|d| &d.code[..2])
                .collect::<std::collections::HashSet<_>>()
                .len()
                >= 10
        );
    }
}
