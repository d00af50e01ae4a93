"""Sources: Diff Insight Reports, unified diffs / patches, and git repositories.

``base`` holds what every source yields, ``problems`` what can go wrong reading one; the
package itself imports nothing, so that its light parts load alone.
"""
