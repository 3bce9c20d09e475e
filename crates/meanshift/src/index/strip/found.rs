//! What the kernels share: the points and query of a strip, and the rows found inside.

/// Rows of points found one by one, summed in batches (a masked 128-bit addition
/// per point tested costs more).
pub(super) const FOUND_ROWS: usize = 128;

/// The points found inside: rows not yet summed, and the count and exact sum
/// of the others.
pub(crate) struct Found {
    pub(super) rows: [u32; FOUND_ROWS],
    pub(super) len: usize,
    pub total: usize,
    pub sum: [i128; 2],
    /// The exact sum of the rows' weights (with weights).
    pub weight: i128,
}

impl Default for Found {
    fn default() -> Self {
        Self {
            rows: [0; FOUND_ROWS],
            len: 0,
            total: 0,
            sum: [0; 2],
            weight: 0,
        }
    }
}

impl Found {
    /// Adds the noted rows' exact values (`values[row]`) to the sum, and their
    /// weights (`weights[row]`, when there are any) to the weight.
    pub fn flush(&mut self, values: &[[i128; 2]], weights: &[i128]) {
        if !weights.is_empty() {
            let mut weight = self.weight;
            for &i in &self.rows[..self.len] {
                weight += weights[i as usize];
            }
            self.weight = weight;
        }
        // Sums in locals: kept in registers, not stored back per row.
        let [mut sum_x, mut sum_y] = self.sum;
        for &i in &self.rows[..self.len] {
            let v = &values[i as usize];
            sum_x += v[0];
            sum_y += v[1];
        }
        self.sum = [sum_x, sum_y];
        self.total += self.len;
        self.len = 0;
    }
}

/// The points a strip test reads and the query it tests them against.
pub(crate) struct Strip<'a> {
    pub xs: &'a [f64],
    pub ys: &'a [f64],
    pub qx: f64,
    pub qy: f64,
    pub radius2: f64,
    /// Each point's exact weight; empty without weights.
    pub weights: &'a [i128],
}

/// Most rows a kernel adds between two checks for room.
pub(super) const STEP: usize = 8;
