check --macos 13.0 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
