check --keep-imports -f import-missing.sb mach-lookup com.apple.SystemConfiguration.configd
