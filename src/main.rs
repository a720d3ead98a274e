fn main() -> std::process::ExitCode {
    stroom::cli::main()
}
