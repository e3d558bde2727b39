lint --list-checks
