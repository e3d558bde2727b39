check -f agent-base.sb mach-lookup com.apple.SystemConfiguration.configd
