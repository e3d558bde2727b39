check --macos 10.11 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
