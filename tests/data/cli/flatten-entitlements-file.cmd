flatten --entitlements entitlements.plist entitlements.sb
