flatten -E paths=/only --entitlements=entitlements.plist -E net=false entitlements.sb
