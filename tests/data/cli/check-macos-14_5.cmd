check --macos 14.5 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
