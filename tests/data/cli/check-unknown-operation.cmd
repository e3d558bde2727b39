check -f mach-allow.sb mach-lookp com.apple.SystemConfiguration.configd
