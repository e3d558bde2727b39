check -f agent-base.sb mach-lookup
