flatten entitlements.sb
