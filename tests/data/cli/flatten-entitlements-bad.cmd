flatten --entitlements entitlements-bad.plist entitlements.sb
