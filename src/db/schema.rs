//! Table definitions, written by hand to match both `migrations/sqlite` and `migrations/postgres`
//! (SQLite's `INTEGER PRIMARY KEY` is a 64-bit rowid, read here as `BigInt`).

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        enterprise_code -> Nullable<Text>,
        organisation_id -> Nullable<BigInt>,
        disabled -> Bool,
        created_at -> Timestamp,
        token_generation -> BigInt,
        version -> BigInt,
    }
}

diesel::table! {
    enterprises (code) {
        code -> Text,
        name -> Text,
        legal_representative -> Text,
        legal_rep_id_number -> Nullable<Text>,
        legal_rep_phone -> Nullable<Text>,
        registered_capital -> Double,
        established_on -> Date,
        region_code -> Text,
        industry -> Text,
        business_models -> Text,
        platforms -> Text,
        status -> Text,
        source -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        /// The grade of `current_scores`, kept by triggers (migration 2026-12-07-000011).
        current_grade -> Nullable<Text>,
    }
}

diesel::table! {
    /// Adjacent-character pairs of each enterprise's name (migration 2026-12-07-000001), kept
    /// by triggers.
    enterprise_name_grams (gram, enterprise_code) {
        gram -> Text,
        enterprise_code -> Text,
    }
}

diesel::table! {
    operating_records (id) {
        id -> BigInt,
        enterprise_code -> Text,
        period -> Text,
        period_start -> Date,
        period_end -> Date,
        online_sales -> Double,
        orders -> BigInt,
        refund_rate -> Nullable<Double>,
        complaints -> Nullable<BigInt>,
        on_time_delivery_rate -> Nullable<Double>,
        positive_review_rate -> Nullable<Double>,
        employees -> Nullable<BigInt>,
        tax_paid -> Nullable<Double>,
        cross_border_trade -> Nullable<Double>,
        quality_checks -> Nullable<BigInt>,
        quality_checks_failed -> Nullable<BigInt>,
        source -> Text,
        review_status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    credit_events (id) {
        id -> BigInt,
        enterprise_code -> Text,
        kind -> Text,
        polarity -> Text,
        severity -> Text,
        title -> Text,
        description -> Nullable<Text>,
        authority -> Text,
        document_number -> Nullable<Text>,
        decided_on -> Date,
        publicity_until -> Nullable<Date>,
        status -> Text,
        source -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    sentiment_records (id) {
        id -> BigInt,
        enterprise_code -> Text,
        source_kind -> Text,
        source_name -> Text,
        title -> Text,
        excerpt -> Nullable<Text>,
        url -> Nullable<Text>,
        published_at -> Timestamp,
        polarity -> Double,
        polarity_computed -> Bool,
        topic -> Nullable<Text>,
        source -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    associations (id) {
        id -> BigInt,
        enterprise_code -> Text,
        kind -> Text,
        related_code -> Nullable<Text>,
        related_name -> Text,
        share_ratio -> Nullable<Double>,
        amount -> Nullable<Double>,
        valid_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        note -> Nullable<Text>,
        source -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    change_history (id) {
        id -> BigInt,
        enterprise_code -> Text,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        actor -> Text,
        actor_role -> Text,
        source -> Text,
        reason -> Nullable<Text>,
        request_id -> Nullable<Text>,
        changes -> Text,
        changed_at -> Timestamp,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(operating_records -> enterprises (enterprise_code));
diesel::joinable!(credit_events -> enterprises (enterprise_code));
diesel::joinable!(sentiment_records -> enterprises (enterprise_code));
diesel::joinable!(associations -> enterprises (enterprise_code));

diesel::table! {
    models (version) {
        version -> Text,
        artifact -> Text,
        summary -> Text,
        trained_at -> Timestamp,
        registered_at -> Timestamp,
        active -> Bool,
        activated_at -> Nullable<Timestamp>,
        activated_by -> Nullable<Text>,
    }
}

diesel::table! {
    scores (id) {
        id -> BigInt,
        enterprise_code -> Text,
        model_version -> Text,
        as_of -> Date,
        scored_at -> Timestamp,
        scored_by -> Text,
        pd_lr -> Double,
        pd_rf -> Double,
        pd -> Double,
        score -> Double,
        model_grade -> Text,
        evaluated_grade -> Text,
        grade -> Text,
        upgrade_pending -> Bool,
        adjustments -> Text,
        sub_scores -> Text,
        reasons -> Text,
        feature_bins -> Text,
    }
}

diesel::table! {
    current_scores (enterprise_code) {
        enterprise_code -> Text,
        score_id -> BigInt,
        model_version -> Text,
        as_of -> Date,
        score -> Double,
        evaluated_grade -> Text,
        grade -> Text,
        previous_grade -> Nullable<Text>,
    }
}

diesel::table! {
    authorizations (id) {
        id -> BigInt,
        enterprise_code -> Text,
        bank_organisation_id -> BigInt,
        scope -> Text,
        purpose -> Text,
        note -> Nullable<Text>,
        granted_at -> Timestamp,
        granted_by -> Text,
        expires_on -> Date,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
        revocation_reason -> Nullable<Text>,
    }
}

diesel::table! {
    reports (report_no) {
        report_no -> Text,
        enterprise_code -> Text,
        kind -> Text,
        issued_at -> Timestamp,
        valid_until -> Timestamp,
        model_version -> Nullable<Text>,
        key_id -> Text,
        requested_by -> Text,
        requester_role -> Text,
        organisation_id -> Nullable<BigInt>,
        authorization_id -> Nullable<BigInt>,
        purpose -> Text,
        document -> Text,
    }
}

diesel::table! {
    report_queries (id) {
        id -> BigInt,
        enterprise_code -> Text,
        report_no -> Text,
        action -> Text,
        actor -> Text,
        actor_role -> Text,
        organisation_id -> Nullable<BigInt>,
        purpose -> Text,
        authorization_id -> Nullable<BigInt>,
        request_id -> Nullable<Text>,
        queried_at -> Timestamp,
    }
}

diesel::table! {
    watch_items (organisation_id, enterprise_code) {
        organisation_id -> BigInt,
        enterprise_code -> Text,
        added_at -> Timestamp,
        added_by -> Text,
    }
}

diesel::table! {
    list_entries (id) {
        id -> BigInt,
        list -> Text,
        enterprise_code -> Text,
        status -> Text,
        reason -> Text,
        legal_basis -> Nullable<Text>,
        authority -> Nullable<Text>,
        document_number -> Nullable<Text>,
        starts_on -> Date,
        expires_on -> Nullable<Date>,
        proposed_by -> Text,
        proposed_rule -> Nullable<Text>,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        removed_by -> Nullable<Text>,
        removed_at -> Nullable<Timestamp>,
        removal_decision -> Nullable<Text>,
        removal_document_number -> Nullable<Text>,
        removal_decided_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    commitments (id) {
        id -> BigInt,
        enterprise_code -> Text,
        text -> Text,
        scope -> Text,
        period_start -> Date,
        period_end -> Date,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        explanation -> Nullable<Text>,
        credit_event_id -> Nullable<BigInt>,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    credit_repairs (id) {
        id -> BigInt,
        enterprise_code -> Text,
        credit_event_id -> Nullable<BigInt>,
        list_entry_id -> Nullable<BigInt>,
        corrections -> Text,
        evidence -> Text,
        status -> Text,
        applied_by -> Text,
        applied_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        explanation -> Nullable<Text>,
        document_number -> Nullable<Text>,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    objections (id) {
        id -> BigInt,
        enterprise_code -> Text,
        credit_event_id -> Nullable<BigInt>,
        operating_record_id -> Nullable<BigInt>,
        reason -> Text,
        attachments -> Text,
        status -> Text,
        status_before_dispute -> Text,
        filed_by -> Text,
        filed_at -> Timestamp,
        deadline -> Date,
        outcome -> Nullable<Text>,
        explanation -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_late -> Nullable<Bool>,
        record_before -> Nullable<Text>,
        record_after -> Nullable<Text>,
    }
}

diesel::joinable!(scores -> enterprises (enterprise_code));
diesel::joinable!(scores -> models (model_version));
diesel::joinable!(current_scores -> enterprises (enterprise_code));
diesel::joinable!(authorizations -> organisations (bank_organisation_id));
diesel::joinable!(authorizations -> enterprises (enterprise_code));
diesel::joinable!(report_queries -> organisations (organisation_id));
diesel::joinable!(watch_items -> enterprises (enterprise_code));
diesel::joinable!(list_entries -> enterprises (enterprise_code));
diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        recorded_at -> Timestamp,
        actor -> Text,
        actor_role -> Nullable<Text>,
        organisation_id -> Nullable<BigInt>,
        actor_enterprise -> Nullable<Text>,
        action -> Text,
        target -> Text,
        enterprise_code -> Nullable<Text>,
        status -> Integer,
        request_id -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        enterprise_code -> Text,
        status -> Text,
        content -> Text,
        findings -> Text,
        submitted_at -> Timestamp,
        submitted_by -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        applied_records -> Text,
    }
}

diesel::joinable!(commitments -> enterprises (enterprise_code));
diesel::joinable!(credit_repairs -> enterprises (enterprise_code));
diesel::table! {
    score_runs (id) {
        id -> BigInt,
        status -> Text,
        model_version -> Text,
        as_of -> Date,
        started_at -> Timestamp,
        started_by -> Text,
        finished_at -> Nullable<Timestamp>,
        scored -> Nullable<BigInt>,
        error -> Nullable<Text>,
        total -> Nullable<BigInt>,
        grades -> Nullable<Text>,
    }
}

diesel::table! {
    grade_tallies (grade, previous_grade) {
        grade -> Text,
        previous_grade -> Text,
        enterprises -> BigInt,
    }
}

diesel::table! {
    model_comparisons (id) {
        id -> BigInt,
        challenger -> Text,
        champion -> Text,
        computed_at -> Timestamp,
        computed_by -> Text,
        body -> Text,
    }
}

diesel::table! {
    model_activations (id) {
        id -> BigInt,
        version -> Text,
        replaced -> Nullable<Text>,
        comparison_id -> Nullable<BigInt>,
        reason -> Text,
        activated_at -> Timestamp,
        activated_by -> Text,
    }
}

diesel::table! {
    portfolio_visits (user_id) {
        user_id -> BigInt,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        token_generation -> BigInt,
        role -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::joinable!(web_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    enterprises,
    enterprise_name_grams,
    operating_records,
    credit_events,
    sentiment_records,
    associations,
    change_history,
    models,
    scores,
    current_scores,
    grade_tallies,
    authorizations,
    reports,
    report_queries,
    watch_items,
    list_entries,
    audit_log,
    audit_head,
    submissions,
    score_runs,
    commitments,
    credit_repairs,
    objections,
    web_sessions,
    model_comparisons,
    model_activations,
    portfolio_visits,
);
