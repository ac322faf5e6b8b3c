crate::text_enum! {
    /// What a user account may do (DOMAIN.md, "Who uses it").
    pub enum Role {
        Admin = "admin",
        Regulator = "regulator",
        Bank = "bank",
        Enterprise = "enterprise",
    }
}
