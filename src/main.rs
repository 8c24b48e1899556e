use std::process::ExitCode;

fn main() -> ExitCode {
    remediation_portal::app::main()
}
