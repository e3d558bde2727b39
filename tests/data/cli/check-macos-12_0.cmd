check --macos 12.0 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
