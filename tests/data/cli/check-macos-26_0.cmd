check --macos 26.0 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
