explain --macos 15 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
