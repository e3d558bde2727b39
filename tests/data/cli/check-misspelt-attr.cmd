check -f mach-allow.sb --attr signing-identifer=com.x mach-lookup com.apple.SystemConfiguration.configd
