//! A random forest classifier for binary labels (bad = 1, good = 0).
//!
//! # Why this is hand-written
//!
//! The score needs a *real* random forest: a bootstrap sample per tree, a fresh random subset of
//! features at **every split**, class probabilities from leaf class counts, seeded and
//! reproducible training, trees trained in parallel, and a model that is saved and loaded with
//! serde. No crate we could use meets all of that:
//!
//! - `linfa-ensemble` 0.8 is bagging only (one feature subset per *tree*, not per split), gives
//!   no probabilities, has no serde support, and trained 24x slower than scikit-learn here;
//! - `smartcore` 0.7's random forest classifier gives no probabilities and is 2-7x slower than
//!   scikit-learn.
//!
//! So it is written here, as a linfa estimator: [`RandomForestParams`] implements
//! [`linfa::traits::Fit`] and the fitted [`RandomForest`] implements [`linfa::traits::Predict`]
//! (through [`PredictInplace`]) returning P(bad) for every row.
//!
//! # How it trains
//!
//! The algorithm is Breiman's random forest with scikit-learn's semantics (Gini impurity;
//! `max_features` candidates per split; `min_samples_leaf` / `min_samples_split` counted in
//! distinct in-bag rows, as scikit-learn does, with bootstrap duplicates carried as integer
//! weights; leaf probability = bad weight / total weight, averaged over trees). It is made fast
//! the way LightGBM and scikit-learn's `HistGradientBoosting` are:
//!
//! - every feature is quantile-binned **once** into at most 255 bins (exact when a feature has
//!   at most 255 distinct values; bin edges are midpoints between adjacent distinct values);
//! - a split search builds a histogram of (rows, weight, bad weight) per bin over the node's
//!   samples for each candidate feature and scans it, so it costs O(node size + bins) per feature
//!   with no sorting;
//! - each tree keeps one array of in-bag samples and partitions it in place, node by node; the
//!   histogram buffer is reused, so the split loop does not allocate.
//!
//! A split found on bins is stored with a real threshold (the bin's upper edge), so scoring works
//! on raw values and needs no binning.
//!
//! # Missing values
//!
//! `NaN` in the inputs means "missing". While training, missing values form their own bin; each
//! split learns a default direction for them (both directions are tried and the better one is
//! kept, as in XGBoost/LightGBM; a split that separates missing from present values is also a
//! candidate). When a node saw no missing values in training, missing values follow the child
//! that received more (weighted) training samples. Infinite values are rejected by `fit`.
//!
//! # Reproducibility
//!
//! Each tree gets its own RNG seeded from a per-tree seed that is drawn in order from the forest
//! seed, so the fitted forest does not depend on how rayon schedules the trees.
//!
//! # Layout
//!
//! All trees' nodes live in one flat array of 16-byte nodes; the two children of a node are
//! adjacent and always stored after it. Scoring a row is a tight loop over that array
//! ([`RandomForest::predict_proba_row`]). The serialised form is struct-of-arrays (one array per
//! node field), which is compact in JSON and bincode alike, and is validated when loaded.

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, ArrayView2, Axis, Data, Ix2, Zip};
use rand::{Rng, RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Bin index reserved for missing (`NaN`) values; real bins are `0..MISSING_BIN`.
const MISSING_BIN: u8 = u8::MAX;
/// Trees walked side by side when scoring a row.
const LOCKSTEP: usize = 16;
/// Most real bins a feature can have (the last `u8` value is the missing bin).
pub const MAX_BINS: usize = MISSING_BIN as usize;

/// How many features are drawn as split candidates at every split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// `max(1, floor(sqrt(n_features)))`, the usual choice for classification.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// Every feature (this makes the forest plain bagging of trees).
    All,
    /// A fixed number of features (capped at `n_features`).
    Count(usize),
    /// A fraction of the features in `(0, 1]`, at least one.
    Fraction(f64),
}

impl MaxFeatures {
    fn resolve(self, n_features: usize) -> usize {
        let n = match self {
            MaxFeatures::Sqrt => (n_features as f64).sqrt() as usize,
            MaxFeatures::Log2 => (n_features as f64).log2() as usize,
            MaxFeatures::All => n_features,
            MaxFeatures::Count(k) => k,
            MaxFeatures::Fraction(f) => (f * n_features as f64) as usize,
        };
        n.clamp(1, n_features.max(1))
    }
}

/// Hyper-parameters of a [`RandomForest`]; fit with [`linfa::traits::Fit`].
///
/// The defaults match scikit-learn's `RandomForestClassifier` (100 trees, sqrt features,
/// unlimited depth, min leaf 1, min split 2, bootstrap) except the seed, which is always fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForestParams {
    n_trees: usize,
    max_features: MaxFeatures,
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    min_samples_split: usize,
    max_bins: usize,
    bootstrap: bool,
    seed: u64,
}

impl Default for RandomForestParams {
    fn default() -> Self {
        Self {
            n_trees: 100,
            max_features: MaxFeatures::Sqrt,
            max_depth: None,
            min_samples_leaf: 1,
            min_samples_split: 2,
            max_bins: MAX_BINS,
            bootstrap: true,
            seed: 0,
        }
    }
}

impl RandomForestParams {
    /// The defaults (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of trees.
    pub fn n_trees(mut self, n: usize) -> Self {
        self.n_trees = n;
        self
    }

    /// Features drawn as candidates at every split.
    pub fn max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }

    /// Depth limit (the root is depth 0); `None` grows until the other limits stop it.
    pub fn max_depth(mut self, d: Option<usize>) -> Self {
        self.max_depth = d;
        self
    }

    /// Fewest distinct in-bag rows a leaf may hold.
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// Fewest distinct in-bag rows a node needs to be split.
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }

    /// Most bins per feature, 2..=255. Fewer bins train faster and split more coarsely.
    pub fn max_bins(mut self, n: usize) -> Self {
        self.max_bins = n;
        self
    }

    /// Whether each tree sees a bootstrap sample (`true`) or every row once (`false`).
    pub fn bootstrap(mut self, b: bool) -> Self {
        self.bootstrap = b;
        self
    }

    /// Seed of the forest; each tree's seed is derived from it.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }

    fn validate(&self) -> Result<(), linfa::Error> {
        let bad = |msg: &str| Err(linfa::Error::Parameters(msg.to_owned()));
        if self.n_trees == 0 {
            return bad("n_trees must be at least 1");
        }
        if self.min_samples_leaf == 0 {
            return bad("min_samples_leaf must be at least 1");
        }
        if self.min_samples_split < 2 {
            return bad("min_samples_split must be at least 2");
        }
        if !(2..=MAX_BINS).contains(&self.max_bins) {
            return bad("max_bins must be in 2..=255");
        }
        match self.max_features {
            MaxFeatures::Count(0) => return bad("max_features count must be at least 1"),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return bad("max_features fraction must be in (0, 1]");
            }
            _ => {}
        }
        Ok(())
    }

    /// Fits a forest on rows `x` (one row per sample) and labels `y` (`true` = bad).
    ///
    /// `NaN` in `x` is a missing value; infinite values are an error. Runs the trees on the
    /// current rayon thread pool (wrap in `ThreadPool::install` to limit the threads).
    pub fn fit_rows(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
    ) -> Result<RandomForest, linfa::Error> {
        self.validate()?;
        let (n_rows, n_features) = x.dim();
        if n_rows != y.len() {
            return Err(linfa::Error::MismatchedShapes(n_rows, y.len()));
        }
        if n_rows < 2 || n_features == 0 {
            return Err(linfa::Error::NotEnoughSamples);
        }
        if n_features > usize::from(u16::MAX) {
            return Err(linfa::Error::Parameters(format!(
                "at most {} features are supported, got {n_features}",
                u16::MAX
            )));
        }
        if x.iter().any(|v| v.is_infinite()) {
            return Err(linfa::Error::Parameters(
                "feature values must be finite or NaN (missing)".to_owned(),
            ));
        }
        if u32::try_from(n_rows).is_err() {
            return Err(linfa::Error::Parameters("too many rows".to_owned()));
        }

        let binned = BinnedData::new(x, self.max_bins);
        let labels: Vec<u8> = y.iter().map(|&b| u8::from(b)).collect();
        let mtry = self.max_features.resolve(n_features);

        // Seeds are drawn in tree order before any tree runs: the forest is the same whatever
        // the thread scheduling.
        let mut master = Xoshiro256PlusPlus::seed_from_u64(self.seed);
        let seeds: Vec<u64> = (0..self.n_trees).map(|_| master.next_u64()).collect();

        let trees: Vec<Vec<Node>> = seeds
            .into_par_iter()
            .map(|seed| TreeBuilder::new(&binned, &labels, self, mtry, seed).build())
            .collect();

        let total: usize = trees.iter().map(Vec::len).sum();
        if u32::try_from(total).is_err() {
            return Err(linfa::Error::Parameters("forest too large".to_owned()));
        }
        // Concatenate the trees into one flat array, shifting child indices by each tree's
        // offset.
        let mut nodes = Vec::with_capacity(total);
        let mut roots = Vec::with_capacity(trees.len());
        for tree in trees {
            let offset = nodes.len() as u32;
            roots.push(offset);
            nodes.extend(tree.into_iter().map(|mut n| {
                if !n.leaf {
                    n.left += offset;
                }
                n
            }));
        }
        Ok(RandomForest::from_parts(n_features, roots, nodes))
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, linfa::Error> for RandomForestParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = bool>,
{
    type Object = RandomForest;

    fn fit(
        &self,
        dataset: &DatasetBase<ArrayBase<D, Ix2>, T>,
    ) -> Result<RandomForest, linfa::Error> {
        let targets = dataset.as_single_targets();
        let y: Vec<bool> = targets.iter().copied().collect();
        self.fit_rows(dataset.records.view(), &y)
    }
}

/// One tree node, 16 bytes. A split sends a row to `left` when `x[feature] <= value` (a
/// missing `x` when `missing_left`), else to `left + 1`. A leaf holds `value` = P(bad); in a
/// fitted forest its `left` is its own index, so a walk that reaches it stays there.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    value: f64,
    left: u32,
    feature: u16,
    missing_left: bool,
    leaf: bool,
}

impl Node {
    fn leaf(p_bad: f64) -> Self {
        Node {
            value: p_bad,
            left: 0,
            feature: 0,
            missing_left: false,
            leaf: true,
        }
    }

    fn is_leaf(&self) -> bool {
        self.leaf
    }
}

/// A fitted random forest; predicts P(bad).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ForestRepr", try_from = "ForestRepr")]
pub struct RandomForest {
    n_features: usize,
    /// Index of each tree's root in `nodes`.
    roots: Vec<u32>,
    nodes: Vec<Node>,
    /// Depth of the deepest tree in each group of [`LOCKSTEP`] trees (derived, not saved).
    chunk_depth: Vec<usize>,
}

impl RandomForest {
    /// Assembles a forest from valid nodes whose parents come before their children; makes
    /// leaves point at themselves and measures the depths the scoring loop needs.
    fn from_parts(n_features: usize, roots: Vec<u32>, mut nodes: Vec<Node>) -> Self {
        let mut depth = vec![0usize; nodes.len()];
        for i in 0..nodes.len() {
            if nodes[i].leaf {
                nodes[i].left = i as u32;
                nodes[i].feature = 0; // read, and ignored, by the branch-free walk
            } else {
                let child = nodes[i].left as usize;
                // Parents come first, so a node's depth is final before it is read.
                for c in [child, child + 1] {
                    depth[c] = depth[c].max(depth[i] + 1);
                }
            }
        }
        // The deepest node of a tree lies between its root and the next tree's root.
        let mut tree_depth = Vec::with_capacity(roots.len());
        for (k, &r) in roots.iter().enumerate() {
            let end = roots.get(k + 1).map_or(nodes.len(), |&e| e as usize);
            tree_depth.push(depth[r as usize..end].iter().copied().max().unwrap_or(0));
        }
        let chunk_depth = tree_depth
            .chunks(LOCKSTEP)
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect();
        RandomForest {
            n_features,
            roots,
            nodes,
            chunk_depth,
        }
    }

    /// Number of input features the forest was trained on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.roots.len()
    }

    /// Number of nodes over all trees.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// P(bad) for one row, the mean over trees of the leaf's bad fraction.
    ///
    /// # Panics
    /// If `row.len()` differs from [`Self::n_features`].
    pub fn predict_proba_row(&self, row: &[f64]) -> f64 {
        assert_eq!(
            row.len(),
            self.n_features,
            "row length must equal n_features"
        );
        self.mean_over_trees(|f| row[f])
    }

    /// Mean leaf value over the trees, `feature(i)` giving the row's i-th value.
    ///
    /// Walking one tree is a chain of dependent loads, so the trees are walked in lockstep,
    /// [`LOCKSTEP`] at a time, for as many steps as the deepest of them: their loads are
    /// independent and overlap, and as leaves point at themselves the step has no branch.
    #[inline]
    fn mean_over_trees(&self, feature: impl Fn(usize) -> f64) -> f64 {
        let mut sum = 0.0;
        for (roots, &depth) in self.roots.chunks(LOCKSTEP).zip(&self.chunk_depth) {
            let mut at = [0usize; LOCKSTEP];
            for (a, &r) in at.iter_mut().zip(roots) {
                *a = r as usize;
            }
            let at = &mut at[..roots.len()];
            for _ in 0..depth {
                for i in at.iter_mut() {
                    let node = &self.nodes[*i];
                    let x = feature(usize::from(node.feature));
                    // `|`, not `||`: no branches. NaN compares false, so a missing value goes
                    // left only when `missing_left`.
                    let go_left = node.leaf | (x <= node.value) | (node.missing_left & x.is_nan());
                    *i = node.left as usize + usize::from(!go_left);
                }
            }
            debug_assert!(at.iter().all(|&i| self.nodes[i].leaf));
            // Summed in tree order, so every scoring path gives bit-identical results.
            sum += at.iter().map(|&i| self.nodes[i].value).sum::<f64>();
        }
        sum / self.roots.len() as f64
    }

    /// For every tree, the features its splits use, in node order (for inspection and tests).
    pub fn split_features(&self) -> Vec<Vec<usize>> {
        let mut ends: Vec<usize> = self.roots.iter().skip(1).map(|&r| r as usize).collect();
        ends.push(self.nodes.len());
        self.roots
            .iter()
            .zip(ends)
            .map(|(&start, end)| {
                self.nodes[start as usize..end]
                    .iter()
                    .filter(|n| !n.is_leaf())
                    .map(|n| usize::from(n.feature))
                    .collect()
            })
            .collect()
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for RandomForest {
    /// P(bad) for every row; rows are scored in parallel.
    ///
    /// # Panics
    /// If the number of columns differs from the training data's or `y` has the wrong length.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        assert_eq!(
            x.ncols(),
            self.n_features,
            "column count must equal n_features"
        );
        assert_eq!(x.nrows(), y.len(), "one target per row");
        // Any memory layout works: a row is read through its view, not as a slice.
        Zip::from(y)
            .and(x.rows())
            .par_for_each(|out, row| *out = self.mean_over_trees(|f| row[f]));
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

/// Serialised form: one array per node field.
#[derive(Serialize, Deserialize)]
struct ForestRepr {
    n_features: usize,
    roots: Vec<u32>,
    /// Split threshold, or P(bad) at a leaf.
    value: Vec<f64>,
    /// Left child index; 0 at a leaf (node 0 is a root, never a child).
    left: Vec<u32>,
    feature: Vec<u16>,
    missing_left: Vec<bool>,
}

impl From<RandomForest> for ForestRepr {
    fn from(f: RandomForest) -> Self {
        ForestRepr {
            n_features: f.n_features,
            roots: f.roots,
            value: f.nodes.iter().map(|n| n.value).collect(),
            left: f
                .nodes
                .iter()
                .map(|n| if n.leaf { 0 } else { n.left })
                .collect(),
            feature: f.nodes.iter().map(|n| n.feature).collect(),
            missing_left: f.nodes.iter().map(|n| n.missing_left).collect(),
        }
    }
}

impl TryFrom<ForestRepr> for RandomForest {
    type Error = String;

    /// Checks what scoring relies on, so a corrupt artifact is an error here rather than a
    /// panic or an endless loop later: children come after their parent and are in bounds.
    fn try_from(r: ForestRepr) -> Result<Self, String> {
        let n = r.value.len();
        if r.left.len() != n || r.feature.len() != n || r.missing_left.len() != n {
            return Err("node arrays differ in length".into());
        }
        if r.roots.is_empty() || r.roots.first() != Some(&0) {
            return Err("a forest needs at least one tree, the first at node 0".into());
        }
        if r.roots.windows(2).any(|w| w[0] >= w[1]) || r.roots.iter().any(|&x| x as usize >= n) {
            return Err("tree roots must be increasing and in bounds".into());
        }
        for i in 0..n {
            let (left, value) = (r.left[i] as usize, r.value[i]);
            if left == 0 {
                if !(0.0..=1.0).contains(&value) {
                    return Err(format!("leaf {i} has probability {value} outside [0, 1]"));
                }
            } else if left <= i || left + 1 >= n {
                return Err(format!("node {i} has invalid children {left}"));
            } else if usize::from(r.feature[i]) >= r.n_features || value.is_nan() {
                return Err(format!("node {i} has an invalid split"));
            }
        }
        if r.n_features == 0 {
            return Err("a forest needs at least one feature".into());
        }
        let nodes = (0..n)
            .map(|i| Node {
                value: r.value[i],
                left: r.left[i],
                feature: r.feature[i],
                missing_left: r.missing_left[i],
                leaf: r.left[i] == 0,
            })
            .collect();
        Ok(RandomForest::from_parts(r.n_features, r.roots, nodes))
    }
}

/// The training table, quantile-binned once: one `u8` per value, column-major so a histogram
/// over one feature reads one contiguous column.
struct BinnedData {
    n_rows: usize,
    /// `bins[f * n_rows + row]`.
    bins: Vec<u8>,
    features: Vec<FeatureBins>,
}

/// How one feature is binned.
#[derive(Debug, Clone, PartialEq)]
struct FeatureBins {
    /// Upper edge of every real bin but the last: `x <= edges[b]` iff `bin(x) <= b`.
    edges: Vec<f64>,
    /// Smallest and largest training value in each real bin; a split between two bins is
    /// placed halfway between them, as CART places it between adjacent values.
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl BinnedData {
    fn new(x: ArrayView2<'_, f64>, max_bins: usize) -> Self {
        let n_rows = x.nrows();
        let per_feature: Vec<(FeatureBins, Vec<u8>)> = x
            .axis_iter(Axis(1))
            .into_par_iter()
            .map(|col| {
                let fb = FeatureBins::new(col.iter().copied(), max_bins);
                let bins = col.iter().map(|&v| fb.bin(v)).collect();
                (fb, bins)
            })
            .collect();
        let mut bins = Vec::with_capacity(n_rows * x.ncols());
        let mut features = Vec::with_capacity(x.ncols());
        for (fb, b) in per_feature {
            features.push(fb);
            bins.extend(b);
        }
        BinnedData {
            n_rows,
            bins,
            features,
        }
    }

    fn column(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n_rows..(f + 1) * self.n_rows]
    }
}

/// `a <= m < b` halfway between `a < b` (falling back to `a` when rounding lands on `b`).
fn midpoint(a: f64, b: f64) -> f64 {
    let m = a / 2.0 + b / 2.0;
    if m >= a && m < b { m } else { a }
}

impl FeatureBins {
    /// Bins for one feature: one per distinct value when there are at most `max_bins` of them,
    /// otherwise `max_bins` bins of about equal count. Edges are midpoints between adjacent
    /// distinct values. `NaN`s are left out (they get the missing bin).
    fn new(values: impl Iterator<Item = f64>, max_bins: usize) -> Self {
        let mut v: Vec<f64> = values.filter(|x| !x.is_nan()).collect();
        v.sort_unstable_by(f64::total_cmp);
        // Distinct values with their counts.
        let mut distinct: Vec<(f64, usize)> = Vec::new();
        for x in v {
            match distinct.last_mut() {
                Some((last, count)) if *last == x => *count += 1,
                _ => distinct.push((x, 1)),
            }
        }
        let edges: Vec<f64> = if distinct.len() <= max_bins {
            distinct
                .windows(2)
                .map(|w| midpoint(w[0].0, w[1].0))
                .collect()
        } else {
            let n: usize = distinct.iter().map(|d| d.1).sum();
            let mut edges = Vec::with_capacity(max_bins - 1);
            let mut cumulative = 0;
            for w in distinct.windows(2) {
                cumulative += w[0].1;
                // Close a bin once it reaches the next equal-count boundary.
                if cumulative * max_bins >= (edges.len() + 1) * n && edges.len() < max_bins - 1 {
                    edges.push(midpoint(w[0].0, w[1].0));
                }
            }
            edges
        };
        let mut lo = vec![f64::NAN; edges.len() + 1];
        let mut hi = vec![f64::NAN; edges.len() + 1];
        let mut b = 0;
        for &(x, _) in &distinct {
            while b < edges.len() && x > edges[b] {
                b += 1;
            }
            if lo[b].is_nan() {
                lo[b] = x;
            }
            hi[b] = x;
        }
        FeatureBins { edges, lo, hi }
    }

    fn n_bins(&self) -> usize {
        self.edges.len() + 1
    }

    fn bin(&self, x: f64) -> u8 {
        if x.is_nan() {
            MISSING_BIN
        } else {
            // At most 254 edges, so the bin fits in a u8 below MISSING_BIN.
            self.edges.partition_point(|&e| e < x) as u8
        }
    }
}

/// Distinct in-bag rows, their total weight and their bad weight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stats {
    n: u32,
    w: u32,
    bad: u32,
}

impl Stats {
    fn add(&mut self, o: Stats) {
        self.n += o.n;
        self.w += o.w;
        self.bad += o.bad;
    }

    fn sub(self, o: Stats) -> Stats {
        Stats {
            n: self.n - o.n,
            w: self.w - o.w,
            bad: self.bad - o.bad,
        }
    }

    fn plus(mut self, o: Stats) -> Stats {
        self.add(o);
        self
    }

    fn p_bad(&self) -> f64 {
        f64::from(self.bad) / f64::from(self.w)
    }

    /// Sum of squared class weights over total weight. Maximising the sum of this over the two
    /// children minimises their weighted Gini impurity (scikit-learn's "proxy improvement").
    fn gini_proxy(&self) -> f64 {
        let (w, b) = (f64::from(self.w), f64::from(self.bad));
        let g = w - b;
        (b * b + g * g) / w
    }
}

/// An in-bag row with its bootstrap count as weight.
#[derive(Debug, Clone, Copy)]
struct Sample {
    row: u32,
    w: u32,
    bad: u32,
}

#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    /// Rows with a bin `<= bin` go left.
    bin: u8,
    threshold: f64,
    missing_left: bool,
    left: Stats,
    right: Stats,
    score: f64,
}

/// Grows one tree.
struct TreeBuilder<'a> {
    data: &'a BinnedData,
    params: &'a RandomForestParams,
    mtry: usize,
    rng: Xoshiro256PlusPlus,
    samples: Vec<Sample>,
    /// Buffer for the right-hand rows while partitioning.
    scratch: Vec<Sample>,
    /// Histogram buffer, reused for every candidate feature of every node.
    hist: Vec<Stats>,
    /// Feature order, shuffled lazily at each split.
    features: Vec<usize>,
    nodes: Vec<Node>,
}

impl<'a> TreeBuilder<'a> {
    fn new(
        data: &'a BinnedData,
        labels: &[u8],
        params: &'a RandomForestParams,
        mtry: usize,
        seed: u64,
    ) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let n = data.n_rows;
        let mut weight = vec![0u32; n];
        if params.bootstrap {
            for _ in 0..n {
                weight[rng.gen_range(0..n)] += 1;
            }
        } else {
            weight.fill(1);
        }
        let samples: Vec<Sample> = weight
            .iter()
            .enumerate()
            .filter(|&(_, &w)| w > 0)
            .map(|(row, &w)| Sample {
                row: row as u32,
                w,
                bad: w * u32::from(labels[row]),
            })
            .collect();
        let scratch = samples.clone();
        TreeBuilder {
            data,
            params,
            mtry,
            rng,
            samples,
            scratch,
            hist: vec![Stats::default(); 256],
            features: (0..data.features.len()).collect(),
            nodes: Vec::new(),
        }
    }

    fn build(mut self) -> Vec<Node> {
        let root = self.samples.iter().fold(Stats::default(), |mut s, x| {
            s.add(Stats {
                n: 1,
                w: x.w,
                bad: x.bad,
            });
            s
        });
        let max_depth = self.params.max_depth.unwrap_or(usize::MAX);
        let min_leaf = u32::try_from(self.params.min_samples_leaf).unwrap_or(u32::MAX);
        self.nodes.push(Node::leaf(root.p_bad()));
        // Depth-first with an explicit stack: (node index, sample range, depth, stats).
        let mut stack = vec![(0usize, 0usize, self.samples.len(), 0usize, root)];
        while let Some((id, start, end, depth, stats)) = stack.pop() {
            let splittable = depth < max_depth
                && stats.n as usize >= self.params.min_samples_split
                && stats.n >= min_leaf.saturating_mul(2)
                && stats.bad != 0
                && stats.bad != stats.w;
            if !splittable {
                continue; // already a leaf
            }
            let Some(split) = self.best_split(start, end, stats) else {
                continue;
            };
            let mid = self.partition(start, end, &split);
            debug_assert_eq!((mid - start) as u32, split.left.n);
            let left = self.nodes.len();
            self.nodes[id] = Node {
                value: split.threshold,
                left: left as u32,
                feature: split.feature as u16,
                missing_left: split.missing_left,
                leaf: false,
            };
            self.nodes.push(Node::leaf(split.left.p_bad()));
            self.nodes.push(Node::leaf(split.right.p_bad()));
            stack.push((left + 1, mid, end, depth + 1, split.right));
            stack.push((left, start, mid, depth + 1, split.left));
        }
        self.nodes
    }

    /// Draws features without replacement until `mtry` of them, not constant in the node, have
    /// been searched (as scikit-learn does), and returns the best split among them, if any.
    fn best_split(&mut self, start: usize, end: usize, total: Stats) -> Option<Split> {
        let n_features = self.features.len();
        let mut best: Option<Split> = None;
        let mut searched = 0;
        for k in 0..n_features {
            if searched == self.mtry {
                break;
            }
            // Lazy Fisher-Yates: `features[..k]` are the features drawn so far.
            let j = self.rng.gen_range(k..n_features);
            self.features.swap(k, j);
            let f = self.features[k];
            if self.search_feature(f, start, end, total, &mut best) {
                searched += 1;
            }
        }
        best
    }

    /// Builds the histogram of feature `f` over the node and scans its split points, updating
    /// `best`. Returns false when the feature is constant in the node.
    fn search_feature(
        &mut self,
        f: usize,
        start: usize,
        end: usize,
        total: Stats,
        best: &mut Option<Split>,
    ) -> bool {
        let bins = &self.data.features[f];
        let n_bins = bins.n_bins();
        let column = self.data.column(f);
        let hist = &mut self.hist;
        hist[..n_bins].fill(Stats::default());
        hist[usize::from(MISSING_BIN)] = Stats::default();
        for s in &self.samples[start..end] {
            let h = &mut hist[usize::from(column[s.row as usize])];
            h.n += 1;
            h.w += s.w;
            h.bad += s.bad;
        }
        let missing = hist[usize::from(MISSING_BIN)];
        let present = total.sub(missing);
        let min_leaf = u32::try_from(self.params.min_samples_leaf).unwrap_or(u32::MAX);

        let mut consider = |left: Stats, right: Stats, bin: u8, threshold: f64, missing_left| {
            if left.n < min_leaf || right.n < min_leaf {
                return;
            }
            let score = left.gini_proxy() + right.gini_proxy();
            if best.is_none_or(|b| score > b.score) {
                *best = Some(Split {
                    feature: f,
                    bin,
                    threshold,
                    missing_left,
                    left,
                    right,
                    score,
                });
            }
        };

        let mut non_constant = false;
        let mut cumulative = Stats::default();
        let mut prev: Option<usize> = None;
        for (b, &h) in hist[..n_bins].iter().enumerate() {
            if h.n == 0 {
                continue;
            }
            if let Some(p) = prev {
                non_constant = true;
                // Split between the non-empty bins `p` and `b`: rows in bins `<= p` go left.
                // The threshold sits halfway between the two bins' values, so that values
                // unseen by this node (out of bag, or new) are cut as CART would cut them.
                let threshold = midpoint(bins.hi[p], bins.lo[b]);
                let right = present.sub(cumulative);
                let cut = p as u8;
                if missing.n == 0 {
                    // No missing values here: at scoring time they follow the heavier child.
                    consider(cumulative, right, cut, threshold, cumulative.w >= right.w);
                } else {
                    consider(cumulative.plus(missing), right, cut, threshold, true);
                    consider(cumulative, right.plus(missing), cut, threshold, false);
                }
            }
            cumulative.add(h);
            prev = Some(b);
        }
        if missing.n > 0 && present.n > 0 {
            // Present values left, missing right. `f64::MAX` keeps every finite value left.
            non_constant = true;
            consider(present, missing, MISSING_BIN - 1, f64::MAX, false);
        }
        non_constant
    }

    /// Partitions the node's samples, left rows first, keeping their order (so later
    /// histograms still read each column in ascending row order); returns where the right
    /// ones begin. Branch-free: a row is written to both sides and only one cursor advances.
    fn partition(&mut self, start: usize, end: usize, split: &Split) -> usize {
        let column = self.data.column(split.feature);
        let (bin, missing_left) = (split.bin, split.missing_left);
        let scratch = &mut self.scratch;
        let mut left = start;
        let mut right = 0;
        for k in start..end {
            let s = self.samples[k];
            let b = column[s.row as usize];
            let goes_left = (b != MISSING_BIN && b <= bin) | (b == MISSING_BIN && missing_left);
            // `left <= k`: this only overwrites samples already read.
            self.samples[left] = s;
            scratch[right] = s;
            left += usize::from(goes_left);
            right += usize::from(!goes_left);
        }
        self.samples[left..end].copy_from_slice(&scratch[..right]);
        left
    }
}

#[cfg(test)]
mod tests {
    use super::super::metrics::auc;
    use super::*;
    use linfa::Dataset;
    use linfa::traits::Predict;
    use ndarray::{Array2, ShapeBuilder};

    /// A logistic dataset with a non-linear term: P(bad) = sigmoid(1.5 x0 - x1 + x2 x3 - 1).
    fn logistic_data(n: usize, n_features: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut normal = move || {
            // Box-Muller, enough for test data.
            let (u, v): (f64, f64) = (rng.r#gen::<f64>().max(1e-12), rng.r#gen());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        };
        let x = Array2::from_shape_simple_fn((n, n_features), &mut normal);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xdead_beef);
        let y = x
            .rows()
            .into_iter()
            .map(|r| {
                let z = 1.5 * r[0] - r[1] + r[2] * r[3] - 1.0;
                rng.r#gen::<f64>() < 1.0 / (1.0 + (-z).exp())
            })
            .collect();
        (x, y)
    }

    fn small_params() -> RandomForestParams {
        RandomForestParams::new()
            .n_trees(20)
            .max_depth(Some(6))
            .min_samples_leaf(5)
    }

    #[test]
    fn fits_through_linfa_traits() {
        let (x, y) = logistic_data(500, 5, 1);
        let ds = Dataset::new(x.clone(), Array1::from(y));
        let model = small_params().fit(&ds).unwrap();
        let p: Array1<f64> = model.predict(&x);
        assert_eq!(p.len(), 500);
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        // A column-major copy scores the same.
        let mut x_f = Array2::zeros(x.raw_dim().f());
        x_f.assign(&x);
        assert!(x_f.t().is_standard_layout());
        let p_f: Array1<f64> = model.predict(&x_f);
        assert_eq!(p, p_f);
        // The batch path and the single-row path agree.
        for (i, row) in x.rows().into_iter().enumerate().take(50) {
            assert_eq!(p[i], model.predict_proba_row(row.as_slice().unwrap()));
        }
    }

    #[test]
    fn same_seed_same_forest_different_seed_different_forest() {
        let (x, y) = logistic_data(800, 6, 2);
        let a = small_params().seed(7).fit_rows(x.view(), &y).unwrap();
        let b = small_params().seed(7).fit_rows(x.view(), &y).unwrap();
        let c = small_params().seed(8).fit_rows(x.view(), &y).unwrap();
        let pa: Array1<f64> = a.predict(&x);
        let pb: Array1<f64> = b.predict(&x);
        let pc: Array1<f64> = c.predict(&x);
        assert!(a == b, "same seed, different forests");
        assert_eq!(pa, pb);
        assert_ne!(pa, pc);
    }

    #[test]
    fn independent_of_thread_count() {
        let (x, y) = logistic_data(600, 6, 3);
        let fit_with = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| small_params().seed(3).fit_rows(x.view(), &y).unwrap())
        };
        assert!(
            fit_with(1) == fit_with(3),
            "the forest depends on the thread count"
        );
    }

    #[test]
    fn serde_round_trip_keeps_predictions() {
        let (mut x, y) = logistic_data(600, 5, 4);
        // Some missing values, so that learned missing directions are exercised too.
        for i in (0..600).step_by(7) {
            x[[i, 0]] = f64::NAN;
        }
        let model = small_params().fit_rows(x.view(), &y).unwrap();
        let json = serde_json::to_string(&model).unwrap();
        // serde_json needs its `float_roundtrip` feature for thresholds to come back exactly.
        let back: RandomForest = serde_json::from_str(&json).unwrap();
        assert!(model == back, "the forest changed in the round trip");
        let p1: Array1<f64> = model.predict(&x);
        let p2: Array1<f64> = back.predict(&x);
        assert_eq!(p1, p2);
    }

    #[test]
    fn corrupt_artifact_is_rejected() {
        let (x, y) = logistic_data(300, 4, 5);
        let model = small_params().n_trees(2).fit_rows(x.view(), &y).unwrap();
        let mut v = serde_json::to_value(&model).unwrap();
        // Point the root's left child at itself: would loop forever if accepted.
        v["left"][0] = serde_json::json!(0u32);
        v["value"][0] = serde_json::json!(0.5);
        v["left"][1] = serde_json::json!(1u32);
        assert!(serde_json::from_value::<RandomForest>(v).is_err());
    }

    #[test]
    fn separable_data_gives_pure_leaves() {
        // Bad exactly when x0 > 1, with a gap around it so that any bootstrap sample finds a
        // separating threshold; x1 is noise.
        let n = 200;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
            0 if i < n / 2 => i as f64 / n as f64,
            0 => 1.5 + i as f64 / n as f64,
            _ => (i * 37 % 11) as f64,
        });
        let y: Vec<bool> = (0..n).map(|i| i >= n / 2).collect();
        let model = RandomForestParams::new()
            .n_trees(10)
            .max_features(MaxFeatures::All)
            .fit_rows(x.view(), &y)
            .unwrap();
        let p: Array1<f64> = model.predict(&x);
        for (pi, &yi) in p.iter().zip(&y) {
            assert_eq!(*pi, if yi { 1.0 } else { 0.0 });
        }
        // One split per tree is enough, and a pure node is never split further.
        assert!(model.split_features().iter().all(|t| t == &vec![0]));
    }

    #[test]
    fn min_samples_leaf_is_respected() {
        let (x, y) = logistic_data(1000, 4, 6);
        let min_leaf = 30;
        let params = RandomForestParams::new()
            .n_trees(5)
            .min_samples_leaf(min_leaf)
            .bootstrap(false);
        let model = params.fit_rows(x.view(), &y).unwrap();
        // Without bootstrap every row is in every tree once: count rows per leaf.
        for t in 0..model.n_trees() {
            let mut per_leaf = std::collections::HashMap::new();
            for row in x.rows() {
                let mut i = model.roots[t] as usize;
                while !model.nodes[i].is_leaf() {
                    let n = model.nodes[i];
                    let go_left = row[usize::from(n.feature)] <= n.value;
                    i = n.left as usize + usize::from(!go_left);
                }
                *per_leaf.entry(i).or_insert(0usize) += 1;
            }
            assert!(per_leaf.len() > 1, "tree {t} did not split");
            assert!(per_leaf.values().all(|&c| c >= min_leaf), "{per_leaf:?}");
        }
    }

    #[test]
    fn max_depth_is_respected() {
        let (x, y) = logistic_data(1000, 4, 7);
        let model = RandomForestParams::new()
            .n_trees(3)
            .max_depth(Some(2))
            .fit_rows(x.view(), &y)
            .unwrap();
        // A full binary tree of depth 2 has at most 7 nodes.
        assert!(model.split_features().iter().all(|t| t.len() <= 3));
        assert!(model.n_nodes() <= 3 * 7);
    }

    #[test]
    fn features_are_drawn_at_every_split() {
        // Ten equally informative features; with one candidate per split, a single tree must
        // split on many different features, not on one drawn per tree.
        let n = 2000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let x = Array2::from_shape_simple_fn((n, 10), || rng.r#gen::<f64>());
        let y: Vec<bool> = x.rows().into_iter().map(|r| r.sum() > 5.0).collect();
        let model = RandomForestParams::new()
            .n_trees(4)
            .max_features(MaxFeatures::Count(1))
            .max_depth(Some(5))
            .fit_rows(x.view(), &y)
            .unwrap();
        for tree in model.split_features() {
            let distinct: std::collections::HashSet<_> = tree.iter().collect();
            assert!(distinct.len() >= 5, "splits used only {distinct:?}");
        }
    }

    #[test]
    fn learns_a_logistic_signal() {
        let (x, y) = logistic_data(6000, 8, 10);
        let (train, test) = (4000, 2000);
        // Not `s![]`: its expansion allows unsafe code, which `forbid(unsafe_code)` rejects.
        let (x_train, x_test) = x.view().split_at(Axis(0), train);
        let model = RandomForestParams::new()
            .n_trees(50)
            .max_depth(Some(8))
            .min_samples_leaf(10)
            .fit_rows(x_train, &y[..train])
            .unwrap();
        let p: Array1<f64> = model.predict(&x_test);
        let a = auc(p.as_slice().unwrap(), &y[train..]).unwrap();
        assert!(a > 0.75, "holdout AUC {a}");
        assert_eq!(test, p.len());
    }

    #[test]
    fn missing_values_follow_a_learned_direction() {
        // Missing x0 means bad: the forest should learn to send missing values to the bad side.
        let n = 1000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut x = Array2::from_shape_simple_fn((n, 2), || rng.r#gen::<f64>());
        let mut y = vec![false; n];
        for i in 0..n {
            if i % 4 == 0 {
                x[[i, 0]] = f64::NAN;
                y[i] = true;
            }
        }
        let model = RandomForestParams::new()
            .n_trees(10)
            .max_features(MaxFeatures::All)
            .fit_rows(x.view(), &y)
            .unwrap();
        assert!(model.predict_proba_row(&[f64::NAN, 0.5]) > 0.9);
        assert!(model.predict_proba_row(&[0.5, 0.5]) < 0.1);
    }

    #[test]
    fn bad_input_is_an_error() {
        let x = Array2::from_elem((4, 2), 1.0);
        let y = [true, false, true];
        assert!(RandomForestParams::new().fit_rows(x.view(), &y).is_err());
        let mut x = Array2::from_elem((3, 2), 1.0);
        x[[0, 0]] = f64::INFINITY;
        assert!(RandomForestParams::new().fit_rows(x.view(), &y).is_err());
        let x = Array2::from_elem((3, 2), 1.0);
        assert!(
            RandomForestParams::new()
                .n_trees(0)
                .fit_rows(x.view(), &y)
                .is_err()
        );
    }

    #[test]
    fn bins_are_exact_for_few_values_and_quantiles_otherwise() {
        let fb = FeatureBins::new([3.0, 1.0, 2.0, 2.0, f64::NAN].into_iter(), 255);
        assert_eq!(fb.edges, vec![1.5, 2.5]);
        assert_eq!(
            (fb.lo.clone(), fb.hi.clone()),
            (vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0])
        );
        assert_eq!(
            [fb.bin(0.0), fb.bin(1.5), fb.bin(1.6), fb.bin(9.0)],
            [0, 0, 1, 2]
        );
        assert_eq!(fb.bin(f64::NAN), MISSING_BIN);
        let fb = FeatureBins::new((0..1000).map(f64::from), 10);
        assert_eq!(fb.edges.len(), 9);
        assert_eq!(fb.edges[0], 99.5);
        assert_eq!((fb.lo[1], fb.hi[1]), (100.0, 199.0));
        assert!(fb.edges.windows(2).all(|w| w[0] < w[1]));
    }
}
