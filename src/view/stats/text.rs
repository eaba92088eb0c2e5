//! Statistics as text, laid out from the registry: one run's (`--stats`) and
//! their estimates over replications (`--replications`).

use super::Estimate;
use super::estimate::cell;
use super::schema::{CookStat, EquipmentStat, Field, Kind, OrderTime, Quantity, Stat, Stats};
use crate::time::TimeUnit;
use crate::view::table::{Align, Column, Table};

/// The width of each share column of the cooks' table, after a space.
const COOK_WIDTHS: [(CookStat, usize); 3] =
    [(CookStat::HandsOn, 9), (CookStat::StandingBy, 13), (CookStat::Idle, 7)];

/// The width of each column of the equipment's table, after a space.
const EQUIPMENT_WIDTHS: [(EquipmentStat, usize); 3] =
    [(EquipmentStat::Utilisation, 11), (EquipmentStat::MeanQueue, 12), (EquipmentStat::LongestQueue, 15)];

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

impl Stats {
    /// The statistics as a text table, times in the scenario's unit.
    pub fn render(&self, unit: TimeUnit) -> String {
        let t = |s: f64| s / unit.seconds();
        let mut out = format!("Statistics (times in {})\n", unit.name());

        let mut head = Table::new(
            "  ",
            vec![
                Column::fixed(Align::Left, 16, ""),
                Column::fixed(Align::Right, 10, ""),
                Column::fixed(Align::Left, 0, "    "),
            ],
        );
        head.row(vec!["total time".into(), format!("{:.2}", t(self.total_s))]);
        if self.measured_s != self.total_s {
            head.row(vec![
                "measured time".into(),
                format!("{:.2}", t(self.measured_s)),
                "after the warm-up".into(),
            ]);
        }
        head.row(vec![
            "orders served".into(),
            self.served.to_string(),
            format!("throughput {:.1} per hour", self.throughput_per_hour),
        ]);
        // A share of nobody is no number: a dash, not 0.0%.
        let came = self.served + self.left + self.balked;
        let waited_share = if came == 0 { "–".to_string() } else { pct(self.waited_share) };
        head.row(vec![
            "customers waited".into(),
            self.waited.to_string(),
            format!("{waited_share} of those who came, before their first step"),
        ]);
        if self.left + self.balked > 0 {
            head.row(vec![
                "customers left".into(),
                self.left.to_string(),
                format!("{} of those who came, tired of waiting", pct(self.left_share)),
            ]);
            head.row(vec![
                "did not join".into(),
                self.balked.to_string(),
                format!("{}, the line was too long", pct(self.balked_share)),
            ]);
        }
        head.row(vec![
            "in the café".into(),
            format!("{:.2}", self.mean_in_system),
            format!("customers on average, {:.2} of them waiting", self.mean_waiting),
        ]);
        out += &head.render();

        // The header's names end one column to the right of the numbers under them.
        let quantities = Quantity::TIMES.iter().map(|_| Column::fixed(Align::Right, 9, " "));
        let mut header = Table::new(
            "  ",
            std::iter::once(Column::fixed(Align::Left, 21, "")).chain(quantities.clone()).collect(),
        );
        header.row(
            std::iter::once("per order".to_string())
                .chain(Quantity::TIMES.iter().map(|q| q.name().to_string()))
                .collect(),
        );
        let mut orders =
            Table::new("  ", std::iter::once(Column::fixed(Align::Left, 20, "")).chain(quantities).collect());
        for o in OrderTime::ALL {
            let mut row = vec![o.label().to_string()];
            // A summary of no order has no value: not 0.00.
            let none = matches!(self.get(Stat::Order(o, Quantity::Count)), Some(Field::Count(0)));
            row.extend(Quantity::TIMES.iter().map(|&q| match self.get(Stat::Order(o, q)) {
                _ if none => "–".to_string(),
                Some(Field::Real(&x)) => format!("{:.2}", t(x)),
                other => unreachable!("a time: {other:?}"),
            }));
            orders.row(row);
        }
        out += "\n";
        out += &header.render();
        out += &orders.render();

        let mut columns = vec![Column::fixed(Align::Left, 11, "")];
        columns.extend(COOK_WIDTHS.map(|(_, w)| Column::fixed(Align::Right, w, " ")));
        let mut cooks = Table::new("  ", columns);
        cooks.row(
            std::iter::once("cooks".to_string())
                .chain(COOK_WIDTHS.map(|(c, _)| c.label().to_string()))
                .collect(),
        );
        for (i, c) in self.cooks.iter().enumerate() {
            let mut row = vec![format!("cook {}", c.cook)];
            row.extend(COOK_WIDTHS.map(|(s, _)| pct(self.value(Stat::Cook(i, s)).unwrap_or(0.0))));
            cooks.row(row);
        }
        out += "\n";
        out += &cooks.render();

        if !self.equipment.is_empty() {
            // Bytes, not characters: the table has always been this wide.
            let width = self.equipment.iter().map(|e| e.name.len() + 4).max().unwrap_or(0).max(9);
            let mut columns = vec![Column::fixed(Align::Left, width, "")];
            columns.extend(EQUIPMENT_WIDTHS.map(|(_, w)| Column::fixed(Align::Right, w, " ")));
            let mut equipment = Table::new("  ", columns);
            equipment.row(
                std::iter::once("equipment".to_string())
                    .chain(EQUIPMENT_WIDTHS.map(|(e, _)| e.label().to_string()))
                    .collect(),
            );
            for (i, e) in self.equipment.iter().enumerate() {
                let mut row = vec![format!("{} ({})", e.name, e.capacity)];
                row.extend(EQUIPMENT_WIDTHS.map(|(s, _)| match self.get(Stat::Equipment(i, s)) {
                    Some(Field::Count(n)) => n.to_string(),
                    Some(Field::Real(&x)) if s.kind() == Kind::Share => pct(x),
                    Some(Field::Real(x)) => format!("{x:.2}"),
                    None => String::new(),
                }));
                equipment.row(row);
            }
            out += "\n";
            out += &equipment.render();
        }
        out
    }
}

impl Stats<Estimate> {
    /// One row per statistic the tables show ([`Stat::in_tables`]): its label and
    /// `mean ± half-width` of the 95% confidence interval, times in `unit`; the
    /// customers who left or did not join only if `gave_up`.
    pub fn render_estimates(&self, unit: TimeUnit, gave_up: bool) -> String {
        let mut table = Table::new(
            "  ",
            vec![Column::fit(Align::Left, ""), Column::fit(Align::Right, "  "), Column::fit(Align::Left, "")],
        );
        let stats = Stat::all(self.cooks.len(), self.equipment.len())
            .filter(|&stat| stat.in_tables())
            .filter(|stat| gave_up || !matches!(stat, Stat::Run(r) if r.about_giving_up()));
        for stat in stats {
            let Some(e) = self.get(stat).map(Field::value) else { continue };
            let (mean, half) = match stat.kind() {
                Kind::Time => cell(e, 1.0 / unit.seconds(), 2, ""),
                Kind::Share => cell(e, 100.0, 1, "%"),
                Kind::Count => cell(e, 1.0, 0, ""),
                Kind::Rate => cell(e, 1.0, 1, ""),
                Kind::Queue => cell(e, 1.0, 2, ""),
            };
            // A share is a part of the count above it.
            let label = match stat {
                Stat::Run(r) if r.kind() == Kind::Share => format!("  {}", self.label(stat)),
                _ => self.label(stat),
            };
            table.row(vec![label, mean, half]);
        }
        table.render()
    }
}
