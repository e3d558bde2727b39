check -f shadowed-chain.sb file-write-unlink /a/x
