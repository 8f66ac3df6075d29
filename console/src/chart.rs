//! Bar charts drawn as SVG, with a text alternative and a table of the
//! same figures: every chart reads without seeing it.

use leptos::prelude::*;

use crate::words::trf;

/// One bar: its label, its value (none for "no data") and the value as
/// people read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// What the bar stands for (a day, an operator).
    pub label: String,
    /// The value; `None` draws no bar.
    pub value: Option<f64>,
    /// The value as text (`12`, `1 min 05 s`, `80.0%`).
    pub text: String,
}

/// Where each bar goes in a chart `width` × `height` units large: `(x, y,
/// bar width, bar height)`, the tallest bar filling the height.
pub fn layout(points: &[Point], width: f64, height: f64) -> Vec<(f64, f64, f64, f64)> {
    let max = points
        .iter()
        .filter_map(|p| p.value)
        .fold(0.0_f64, f64::max);
    let slot = width / points.len().max(1) as f64;
    points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let tall = match point.value {
                Some(value) if max > 0.0 => (value.max(0.0) / max) * height,
                _ => 0.0,
            };
            (
                i as f64 * slot + slot * 0.1,
                height - tall,
                slot * 0.8,
                tall,
            )
        })
        .collect()
}

/// A sentence that says what a chart shows: its highest bar and its last.
pub fn summary(title: &str, points: &[Point]) -> String {
    let highest = points.iter().filter(|p| p.value.is_some()).max_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    match (highest, points.last()) {
        (Some(high), Some(last)) => trf(
            "{}: highest {} ({}); last {} ({}).",
            &[title, &high.text, &high.label, &last.text, &last.label],
        ),
        _ => trf("{}: no data yet.", &[title]),
    }
}

/// A bar chart with its text alternative and, behind a disclosure, the
/// table of its figures.
#[component]
pub fn BarChart(
    /// What it shows.
    title: &'static str,
    /// The bars.
    points: Signal<Vec<Point>>,
    /// The heading of the label column in the table.
    label_heading: &'static str,
) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 160.0;
    let bars = move || {
        points.with(|points| {
            layout(points, WIDTH, HEIGHT)
                .into_iter()
                .zip(points.iter())
                .map(|((x, y, w, h), point)| {
                    view! {
                        <rect x=x y=y width=w height=h>
                            <title>{format!("{}: {}", point.label, point.text)}</title>
                        </rect>
                    }
                })
                .collect_view()
        })
    };
    let rows = move || {
        points.with(|points| {
            points
                .iter()
                .map(|p| view! { <tr><th scope="row">{p.label.clone()}</th><td>{p.text.clone()}</td></tr> })
                .collect_view()
        })
    };
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=move || points.with(|p| summary(title, p))
                preserveAspectRatio="none"
            >
                {bars}
            </svg>
            <details>
                <summary>{trf("{} as a table", &[title])}</summary>
                <table>
                    <thead><tr><th scope="col">{label_heading}</th><th scope="col">{title}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, value: Option<f64>) -> Point {
        Point {
            label: label.into(),
            value,
            text: value.map(|v| v.to_string()).unwrap_or_else(|| "–".into()),
        }
    }

    #[test]
    fn the_tallest_bar_fills_the_height_and_missing_ones_are_flat() {
        let points = [
            point("a", Some(2.0)),
            point("b", Some(4.0)),
            point("c", None),
        ];
        let bars = layout(&points, 300.0, 100.0);
        assert_eq!(bars[1], (110.0, 0.0, 80.0, 100.0));
        assert_eq!(bars[0].3, 50.0);
        assert_eq!(bars[2].3, 0.0);
        assert!(
            layout(&[point("a", Some(0.0))], 10.0, 10.0)[0].3 == 0.0,
            "all zero is flat"
        );
    }

    #[test]
    fn the_summary_names_the_highest_and_the_last() {
        let points = [
            point("Mon", Some(3.0)),
            point("Tue", Some(7.0)),
            point("Wed", Some(1.0)),
        ];
        assert_eq!(
            summary("Conversations", &points),
            "Conversations: highest 7 (Tue); last 1 (Wed)."
        );
        assert_eq!(summary("X", &[]), "X: no data yet.");
    }
}
