//! The credit lists (DOMAIN.md, "Reports and lists"): the blacklist (严重失信名单) and the
//! redlist (守信激励名单).

crate::text_enum! {
    /// The two credit lists.
    pub enum ListKind {
        /// 严重失信名单
        Blacklist = "blacklist",
        /// 守信激励名单
        Redlist = "redlist",
    }
}
