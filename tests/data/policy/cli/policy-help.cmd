policy --help
