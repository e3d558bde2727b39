flatten -E net=true -E paths=/x -E paths=/y entitlements.sb
