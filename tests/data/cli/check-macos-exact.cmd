check --macos 14.4.1 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
