check -f mach-allow.sb --attr bogus=1 mach-lookup com.apple.SystemConfiguration.configd
