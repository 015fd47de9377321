//! `--help`, usage errors, shell completions and the man page.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

#[test]
fn help_of_every_command_has_an_example() {
    for command in COMMANDS {
        Command::new(BIN)
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
        Command::new(BIN)
            .args(["help", command])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
    Command::new(BIN)
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Example"))
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains(
            "  4  refresh token expired or rejected",
        ))
        .stdout(predicate::str::contains("  7  keychain"));
}

#[test]
fn usage_errors_exit_2() {
    Command::new(BIN).assert().code(2);
    Command::new(BIN).arg("frobnicate").assert().code(2);
    Command::new(BIN)
        .args(["token", "--bogus"])
        .assert()
        .code(2);
    Command::new(BIN)
        .args(["export", "--format", "xml"])
        .assert()
        .code(2);
    // The NPSSO is never an argument.
    Command::new(BIN)
        .args(["login", "--npsso", "x"])
        .assert()
        .code(2);
    Command::new(BIN).arg("use").assert().code(2);
}

#[cfg(unix)] // needs bash
#[test]
fn bash_completion_completes_subcommands_and_options() {
    let complete = |line: &str| {
        bash(&format!(
            "source <('{BIN}' completions bash)
             COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}
             read -ra COMP_WORDS <<< \"$COMP_LINE\"
             [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
             COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
             _psn__auth psn-auth \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        ))
    };
    assert_eq!(
        complete("psn-auth ex")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["exec", "export"]
    );
    assert_eq!(complete("psn-auth exe").trim(), "exec");
    assert!(complete("psn-auth exec --with").contains("--with-refresh-token"));
    assert!(complete("psn-auth completions ").contains("zsh"));
}

#[test]
fn completions_exist_for_every_shell_and_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .assert()
            .success();
        let script = stdout(&out);
        assert!(script.contains("psn-auth"), "{shell}");
        assert!(script.contains("exec"), "{shell}");
    }
    Command::new(BIN)
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[cfg(unix)] // needs groff
#[test]
fn the_man_page_renders_with_the_commands_examples_and_exit_codes() {
    let out = Command::new(BIN).arg("man").assert().success();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("psn-auth.1");
    std::fs::write(&page, stdout(&out)).unwrap();
    let rendered = bash(&format!(
        "groff -man -Tutf8 '{}' 2>/dev/null | sed 's/.\\x08//g'",
        page.display()
    ));
    for needle in [
        "psn-auth",
        "SYNOPSIS",
        "exec",
        "Exit codes:",
        "--warn-days N",
    ] {
        assert!(rendered.contains(needle), "no {needle} in:\n{rendered}");
    }
}
