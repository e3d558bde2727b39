check --macos 14.0 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
