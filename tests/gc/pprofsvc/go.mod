module goleash.invalid/pprofsvc

go 1.19
