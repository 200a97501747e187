"""What the card tests share: the createContact and updateContact mutations and a contact's history."""

from resolvers.global_ids import to_global_id

CREATE = """
mutation ($input: CreateContactInput!) {
  createContact(input: $input) {
    contact {
      lastName firstName civility displayName email phone mobile notes hiddenFromCrm lastFollowUpOn
      status version createdAt updatedAt
      socialProfiles { url generated }
      primaryLink {
        organization { code } isPrimary function department email phone mobile fax extension leftOn active
        sites { code } receivesInvoices receivesInvoicesAllSites receivesReminders receivesRemindersAllSites
        interlocutorTypes { code }
      }
      affairs { code }
    }
    userErrors { field message code contactId }
  }
}
"""
UPDATE = """
mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) {
    contact { id lastName firstName email phone hiddenFromCrm version socialProfiles { url generated } }
    userErrors { field code contactId }
  }
}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { totalCount edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)
