suggest -f suggest-scan.sb --apply uv-configd.log
