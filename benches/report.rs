//! Criterion benchmarks of the pure report work done per report: canonicalising (RFC 8785),
//! signing (Ed25519 over the canonical document), writing the file (canonical bytes of the
//! signed report), rendering the printable page, and verifying a saved file. The document is
//! the typical full report of `ecredit::report::sample` (six dimensions, three events, four
//! periods). `issue report` is what creating a report costs on top of assembling it:
//! sign + canonical file + page.

use std::hint::black_box;

use chrono::TimeZone;
use criterion::{Criterion, criterion_group, criterion_main};
use ecredit::report::{
    KeyRing, canonical_document, render_html, sample, to_canonical_bytes, verify,
};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let ring = KeyRing::open_or_create(dir.path(), now).expect("key ring");
    let document = sample::document();
    let signed = ring.sign(&document).unwrap();
    let file = to_canonical_bytes(&signed).unwrap();
    let keys = ring.public_keys();

    let mut group = c.benchmark_group("report");
    group.bench_function("canonicalise document", |b| {
        b.iter(|| canonical_document(black_box(&document)).unwrap())
    });
    group.bench_function("sign", |b| {
        b.iter(|| ring.sign(black_box(&document)).unwrap())
    });
    group.bench_function("canonical file", |b| {
        b.iter(|| to_canonical_bytes(black_box(&signed)).unwrap())
    });
    group.bench_function("render page", |b| {
        b.iter(|| render_html(black_box(&signed)))
    });
    group.bench_function("issue report (sign + file + page)", |b| {
        b.iter(|| {
            let signed = ring.sign(black_box(&document)).unwrap();
            let file = to_canonical_bytes(&signed).unwrap();
            let page = render_html(&signed);
            (file, page)
        })
    });
    group.bench_function("verify file", |b| {
        b.iter(|| {
            let v = verify(black_box(&file), &keys);
            assert!(v.valid);
            v
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
