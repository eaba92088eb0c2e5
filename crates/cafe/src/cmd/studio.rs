//! `cafe studio`: starts Café Studio (the `cafe_studio` crate) and serves until
//! SIGINT or SIGTERM, which stop it cleanly (exit code 0). `--open` hands the URL
//! to the desktop's opener (`xdg-open`, `open` on macOS) when there is one.

use std::io::Write;
use std::process::{Command, Stdio};

use cafe_studio::Config;

use crate::cli::StudioArgs;
use crate::error::Error;
use crate::output::{Output, say};
use crate::signals::Interrupts;

/// Serves the studio as `args` asks, printing its URL on `out` once it listens.
pub fn execute(args: StudioArgs, out: &mut Output) -> Result<(), Error> {
    if !args.host.is_loopback() {
        say(&format!(
            "warning: listening on {}: anyone who can reach this machine can run scenarios and read the history\n",
            args.host
        ));
    }
    let config = Config {
        host: args.host,
        port: args.port,
        db: args.db.unwrap_or_else(cafe_studio::default_db_path),
        ..Config::default()
    };
    let interrupts = Interrupts::install(|_| say("stopping Café Studio\n"))?;
    let mut said = Ok(());
    cafe_studio::run(config, interrupts.cancel(), |started| {
        let url = &started.url;
        if started.interrupted > 0 {
            let n = started.interrupted;
            say(&format!(
                "the history had {n} unfinished entr{} from a studio that stopped: marked interrupted\n",
                if n == 1 { "y" } else { "ies" }
            ));
        }
        said = writeln!(out, "Café Studio: {url} (Ctrl-C to stop)").and_then(|()| out.flush());
        if args.open && !open(url) {
            say(&format!("no browser opener found (xdg-open, open): open {url} yourself\n"));
        }
    })?;
    Ok(said?)
}

/// Opens `url` with the desktop's opener, if one is found.
fn open(url: &str) -> bool {
    ["xdg-open", "open"].iter().any(|opener| {
        Command::new(opener)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .is_ok()
    })
}
