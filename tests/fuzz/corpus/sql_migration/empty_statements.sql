-- retort:upgrade
;;;
