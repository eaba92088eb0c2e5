//! Scenarios built from structure rather than bytes: every input is a well-formed
//! scenario file whose numbers are drawn from small values and from the edges
//! (`1e308`, `4294967295`, `1e-300`, ...), so the fuzzer spends its time on what the
//! engine derives from the parameters rather than on TOML syntax.

use std::fmt::Write;

use libfuzzer_sys::arbitrary::{self, Arbitrary};

/// Numbers at the edges of what a scenario may say.
const EDGES: [&str; 18] = [
    "0",
    "1e308",
    "1e300",
    "1e19",
    "1e10",
    "1e-200",
    "1e-300",
    "4294967295",
    "1e9",
    "65535",
    "65536",
    "1e155",
    "10000000",
    "-1",
    "0.5",
    "1.7976931348623157e308",
    "18446744073.709551615",
    "3",
];

/// A number: small, a tenth, or from the edges.
#[derive(Arbitrary, Debug)]
pub enum Num {
    Small(u8),
    Tenths(u16),
    Edge(u8),
}

impl Num {
    fn text(&self) -> String {
        match self {
            Num::Small(n) => format!("{}", n % 16),
            Num::Tenths(n) => format!("{}.{}", n / 10, n % 10),
            Num::Edge(i) => EDGES[*i as usize % EDGES.len()].to_string(),
        }
    }
}

/// A duration: fixed or one of the distributions.
#[derive(Arbitrary, Debug)]
pub enum Dur {
    Fixed(Num),
    Uniform(Num, Num),
    UniformInt(Num, Num),
    Exponential(Num),
    Normal(Num, Num),
    Lognormal(Num, Num),
    Triangular(Num, Num, Num),
    Gamma(Num, Num),
    Empirical(Vec<Num>, Option<Vec<Num>>),
}

impl Dur {
    fn text(&self) -> String {
        let list = |v: &[Num]| v.iter().map(Num::text).collect::<Vec<_>>().join(", ");
        match self {
            Dur::Fixed(n) => n.text(),
            Dur::Uniform(a, b) => format!("{{ dist = \"uniform\", min = {}, max = {} }}", a.text(), b.text()),
            Dur::UniformInt(a, b) => {
                format!("{{ dist = \"uniform_int\", min = {}, max = {} }}", a.text(), b.text())
            }
            Dur::Exponential(m) => format!("{{ dist = \"exponential\", mean = {} }}", m.text()),
            Dur::Normal(m, s) => format!("{{ dist = \"normal\", mean = {}, sd = {} }}", m.text(), s.text()),
            Dur::Lognormal(m, s) => {
                format!("{{ dist = \"lognormal\", mean = {}, sd = {} }}", m.text(), s.text())
            }
            Dur::Triangular(a, m, b) => {
                format!(
                    "{{ dist = \"triangular\", min = {}, mode = {}, max = {} }}",
                    a.text(),
                    m.text(),
                    b.text()
                )
            }
            Dur::Gamma(k, s) => format!("{{ dist = \"gamma\", shape = {}, scale = {} }}", k.text(), s.text()),
            Dur::Empirical(values, weights) => match weights {
                Some(w) => format!(
                    "{{ dist = \"empirical\", values = [{}], weights = [{}] }}",
                    list(values),
                    list(w)
                ),
                None => format!("{{ dist = \"empirical\", values = [{}] }}", list(values)),
            },
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct Step {
    hands_on: bool,
    duration: Dur,
    after: Vec<u8>,
    uses: Option<u8>,
}

#[derive(Arbitrary, Debug)]
pub enum Door {
    Interarrival(Dur),
    Rate(Num),
    Schedule(Vec<(Option<Num>, Num)>),
}

#[derive(Arbitrary, Debug)]
pub enum Customers {
    List(Vec<(u8, Num, Option<Num>)>),
    Generate {
        count: Option<Num>,
        until: Option<Num>,
        door: Door,
        group: Option<Dur>,
        first: Option<Num>,
        mix: Option<Vec<Num>>,
    },
}

/// A whole scenario. Its `Debug` is its TOML, so `cargo fuzz fmt` prints the file.
#[derive(Arbitrary)]
pub struct Scenario {
    unit: u8,
    cooks: Num,
    equipment: Vec<Num>,
    recipes: Vec<Vec<Step>>,
    customers: Customers,
    patience: Option<Dur>,
    balk: Option<Num>,
    policy: u8,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.toml())
    }
}

impl Scenario {
    /// The scenario as a TOML file.
    pub fn toml(&self) -> String {
        let mut s = String::new();
        let units = ["s", "min", "h", "ms"];
        let _ = writeln!(s, "name = \"generated\"\nunit = \"{}\"", units[self.unit as usize % units.len()]);
        let _ = writeln!(s, "\n[kitchen]\ncooks = {}", self.cooks.text());
        let policies = ["fifo", "unattended-first", "longest-chain"];
        let _ = writeln!(s, "policy = \"{}\"", policies[self.policy as usize % policies.len()]);
        let machines = self.equipment.len().min(4);
        if machines > 0 {
            let eq: Vec<String> = self.equipment[..machines]
                .iter()
                .enumerate()
                .map(|(i, c)| format!("m{i} = {}", c.text()))
                .collect();
            let _ = writeln!(s, "equipment = {{ {} }}", eq.join(", "));
        }
        let recipes = self.recipes.len().clamp(1, 4);
        for r in 0..recipes {
            let steps = self.recipes.get(r).map_or(&[][..], |v| &v[..]);
            let _ = writeln!(s, "\n[recipes.r{r}]\nsteps = [");
            if steps.is_empty() {
                let _ = writeln!(s, "    {{ name = \"s0\", kind = \"hands-on\", duration = 1 }},");
            }
            for (i, st) in steps.iter().take(8).enumerate() {
                let kind = if st.hands_on { "hands-on" } else { "unattended" };
                let after: Vec<String> = st
                    .after
                    .iter()
                    .take(3)
                    .filter(|_| i > 0)
                    .map(|a| format!("\"s{}\"", *a as usize % i))
                    .collect();
                let mut after = after;
                after.dedup();
                let _ =
                    write!(s, "    {{ name = \"s{i}\", kind = \"{kind}\", duration = {}", st.duration.text());
                if !after.is_empty() {
                    let _ = write!(s, ", after = [{}]", after.join(", "));
                }
                if let (Some(u), true) = (st.uses, machines > 0) {
                    let _ = write!(s, ", uses = \"m{}\"", u as usize % machines);
                }
                let _ = writeln!(s, " }},");
            }
            let _ = writeln!(s, "]");
        }
        let _ = writeln!(s, "\n[menu]");
        for r in 0..recipes {
            let _ = writeln!(s, "i{r} = \"r{r}\"");
        }
        let _ = writeln!(s, "\n[customers]");
        if let Some(p) = &self.patience {
            let _ = writeln!(s, "patience = {}", p.text());
        }
        if let Some(b) = &self.balk {
            let _ = writeln!(s, "balk = {}", b.text());
        }
        match &self.customers {
            Customers::List(list) => {
                let _ = writeln!(s, "list = [");
                for (item, arrival, patience) in list.iter().take(20) {
                    let _ = write!(
                        s,
                        "    {{ item = \"i{}\", arrival = {}",
                        *item as usize % recipes,
                        arrival.text()
                    );
                    if let Some(p) = patience {
                        let _ = write!(s, ", patience = {}", p.text());
                    }
                    let _ = writeln!(s, " }},");
                }
                let _ = writeln!(s, "]");
            }
            Customers::Generate { count, until, door, group, first, mix } => {
                let _ = writeln!(s, "\n[customers.generate]");
                if let Some(c) = count {
                    let _ = writeln!(s, "count = {}", c.text());
                }
                if let Some(u) = until {
                    let _ = writeln!(s, "until = {}", u.text());
                }
                match door {
                    Door::Interarrival(d) => {
                        let _ = writeln!(s, "interarrival = {}", d.text());
                    }
                    Door::Rate(r) => {
                        let _ = writeln!(s, "rate = {}", r.text());
                    }
                    Door::Schedule(pieces) => {
                        let pieces: Vec<String> = pieces
                            .iter()
                            .take(4)
                            .map(|(until, rate)| match until {
                                Some(u) => format!("{{ until = {}, rate = {} }}", u.text(), rate.text()),
                                None => format!("{{ rate = {} }}", rate.text()),
                            })
                            .collect();
                        let _ = writeln!(s, "schedule = [{}]", pieces.join(", "));
                    }
                }
                if let Some(g) = group {
                    let _ = writeln!(s, "group = {}", g.text());
                }
                if let Some(f) = first {
                    let _ = writeln!(s, "first_arrival = {}", f.text());
                }
                if let Some(mix) = mix {
                    let m: Vec<String> = mix
                        .iter()
                        .take(recipes)
                        .enumerate()
                        .map(|(i, w)| format!("i{i} = {}", w.text()))
                        .collect();
                    if !m.is_empty() {
                        let _ = writeln!(s, "mix = {{ {} }}", m.join(", "));
                    }
                }
            }
        }
        s
    }
}
