check --macos 10.15.7 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
