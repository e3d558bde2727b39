lint shadowed-chain.sb
