# SPDX-License-Identifier: Apache-2.0
# Replaces DEST with a fresh copy of the seed corpus in SOURCE (cmake -P).
file(REMOVE_RECURSE ${DEST})
file(COPY ${SOURCE}/ DESTINATION ${DEST})
