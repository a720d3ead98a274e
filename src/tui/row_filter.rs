//! The `f` filter of the waiting lists and the stoplight board: keep the
//! rows of one coordinator and/or one provider. Shared by both views so
//! they narrow the same way; the case list has its own store-side filter.

use crate::present::i18n::Catalog;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    pub worker: Option<String>,
    pub provider: Option<String>,
}

impl RowFilter {
    pub fn is_empty(&self) -> bool {
        self.worker.is_none() && self.provider.is_none()
    }

    /// Whether a row with this coordinator and provider is kept.
    pub fn keeps(&self, worker: Option<&str>, provider: Option<&str>) -> bool {
        let same = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| have == Some(w))
        };
        same(&self.worker, worker) && same(&self.provider, provider)
    }

    /// "regisseur Lotte Kramer · aanbieder Horizon": what the filter keeps,
    /// for the view's title; None when it keeps everything.
    pub fn describe(&self, cat: &Catalog, separator: &str) -> Option<String> {
        let parts: Vec<String> = [
            self.worker
                .as_ref()
                .map(|w| cat.fill("tui.filter.worker", &[("worker", w.clone())])),
            self.provider
                .as_ref()
                .map(|p| cat.fill("tui.filter.provider", &[("provider", p.clone())])),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(separator))
    }
}

/// "zoek 'horizon' (treffer in zorgaanbieder)": the search and the field
/// the selected row matched (a heading key), so a user sees why it is there.
pub fn search_label(cat: &Catalog, term: &str, matched: Option<&str>) -> String {
    let mut text = cat.fill(
        "tui.filter.search",
        &[("text", crate::export::safe_text(term).into_owned())],
    );
    if let Some(key) = matched {
        text.push(' ');
        text.push_str(&cat.fill(
            "tui.filter.matched",
            &[("field", cat.t(key).to_lowercase())],
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_keeps_every_row() {
        assert!(RowFilter::default().keeps(None, None));
        assert!(RowFilter::default().keeps(Some("A"), Some("B")));
    }

    #[test]
    fn a_filter_keeps_only_rows_of_its_worker_and_provider() {
        let f = RowFilter {
            worker: Some("Lotte Kramer".into()),
            provider: None,
        };
        assert!(f.keeps(Some("Lotte Kramer"), None));
        assert!(!f.keeps(Some("Mehmet Demir"), None));
        assert!(!f.keeps(None, None));
        let both = RowFilter {
            worker: Some("Lotte Kramer".into()),
            provider: Some("Horizon".into()),
        };
        assert!(both.keeps(Some("Lotte Kramer"), Some("Horizon")));
        assert!(!both.keeps(Some("Lotte Kramer"), Some("Anker")));
    }
}
